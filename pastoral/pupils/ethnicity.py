"""The census ethnicity categories the app starts with (the DfE school census main codes).

The migration seeds them; `ensure_census_categories()` puts back any that are missing (a new database restored
without them, or a test database whose rows were flushed) without touching categories a trust added or edited.
"""

CENSUS_CATEGORIES = [
    ("WBRI", "White – British", "white"),
    ("WIRI", "White – Irish", "white"),
    ("WIRT", "Traveller of Irish heritage", "white"),
    ("WROM", "Gypsy / Roma", "white"),
    ("WOTH", "Any other White background", "white"),
    ("MWBC", "White and Black Caribbean", "mixed"),
    ("MWBA", "White and Black African", "mixed"),
    ("MWAS", "White and Asian", "mixed"),
    ("MOTH", "Any other mixed background", "mixed"),
    ("AIND", "Indian", "asian"),
    ("APKN", "Pakistani", "asian"),
    ("ABAN", "Bangladeshi", "asian"),
    ("AOTH", "Any other Asian background", "asian"),
    ("BCRB", "Black Caribbean", "black"),
    ("BAFR", "Black – African", "black"),
    ("BOTH", "Any other Black background", "black"),
    ("CHNE", "Chinese", "chinese"),
    ("OOTH", "Any other ethnic group", "other"),
    ("REFU", "Refused", "unclassified"),
    ("NOBT", "Information not yet obtained", "unclassified"),
]


def ensure_census_categories():
    """Create the census categories that are missing; returns how many were created."""
    from ..models import EthnicityCategory

    existing = set(EthnicityCategory.objects.values_list("code", flat=True))
    missing = [
        EthnicityCategory(code=code, label=label, group=group, order=order)
        for order, (code, label, group) in enumerate(CENSUS_CATEGORIES, start=1)
        if code not in existing
    ]
    EthnicityCategory.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)
