"""What roi hands to people: the HTML report, the exports, the KPI alerts and their notifiers. Reads the warehouse only."""
