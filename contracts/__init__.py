"""The bottom layer: the errors, settings types and raw-table type every other layer shares (imports nothing of roi)."""
