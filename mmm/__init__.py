"""roi.mmm: a media-mix model over the warehouse's weekly spend and net revenue (`roi mmm`, `roi plan`).

Needs the optional extra `roi[mmm]` (PyMC and the nutpie sampler), imported only inside the MMM commands.
"""
