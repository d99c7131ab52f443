"""The raw layer's asset keys: one per table of the working database the landing fills."""

from dagster import AssetKey

from contracts.registry import DISTRICT_EXTRACTS, REFERENCE_FILES

EXTRACT_KEYS = {name: AssetKey(["raw", name]) for name in DISTRICT_EXTRACTS}
REFERENCE_KEYS = {name: AssetKey(["raw", name]) for name in REFERENCE_FILES}
BANK_HOLIDAYS = AssetKey(["raw", "bank_holidays"])
AFTER_REFERENCE = [REFERENCE_KEYS["districts"]]
"""district_extracts depends on the reference files so that a build loads them first:
on a change of pseudonym key they forget every partition, which the district extracts
then reload with the new key. A run of district_extracts alone (the sensor's
district_month_update) does not select them, so it does not reload them."""
DISTRICT_FOLDERS = AssetKey(["raw", "district_folders"])
SUBMISSIONS = AssetKey(["audit", "submissions"])
