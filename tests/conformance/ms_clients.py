"""Drives the Local sandbox with Microsoft's own Azure clients (Debian python3-azure), one step per operation the
product uses, and prints one JSON line per step: what was called, the api-version, every HTTP status the client saw,
and the problems found against the swagger and the Import/Export / Data Box docs. Run with /usr/bin/python3.

Environment: OBC_ARM (sandbox ARM endpoint), OBC_TOKEN (access token for it), OBC_SUB (subscription id),
REQUESTS_CA_BUNDLE (the sandbox CA, PEM), OBC_ACCOUNT_ID (storage account resource id), OBC_RG (resource group).
The step list and the rules each step checks are in tests/conformance/README.md.
"""
import json
import os
import sys
import time
import uuid

from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError
from azure.core.pipeline.transport import HttpRequest
from azure.core.polling import LROPoller
from azure.mgmt.core.polling.arm_polling import ARMPolling
from azure.mgmt.databox import DataBoxManagementClient
from azure.mgmt.resource import ResourceManagementClient, SubscriptionClient
from azure.mgmt.storage import StorageManagementClient
from azure.mgmt.storageimportexport import StorageImportExport
from azure.mgmt.storageimportexport import models as ie_models

ARM = os.environ["OBC_ARM"]
SUB = os.environ["OBC_SUB"]
RG = os.environ.get("OBC_RG", "backup-rg")
ACCOUNT_ID = os.environ["OBC_ACCOUNT_ID"]
CA = os.environ["REQUESTS_CA_BUNDLE"]
RUN = uuid.uuid4().hex[:6]
DB_API = os.environ.get("OBC_DB_API", "2025-07-01")  # the product's Data Box api-version, for bodies the 2020-11-01 package has no models for


class StaticToken:
    def get_token(self, *scopes, **kwargs):
        return AccessToken(os.environ["OBC_TOKEN"], int(time.time()) + 3600)


COMMON = dict(base_url=ARM, credential_scopes=[ARM + "/.default"], connection_verify=CA, retry_total=0)
cred = StaticToken()
ie = StorageImportExport(cred, SUB, **COMMON)
db = DataBoxManagementClient(cred, SUB, **COMMON)  # api-version 2020-11-01 (the package's default)
res = ResourceManagementClient(cred, SUB, **COMMON)
subs = SubscriptionClient(cred, **COMMON)
st = StorageManagementClient(cred, SUB, **COMMON)


def ver(client, group):
    """The api-version a multi-api client uses for an operation group (profile default)."""
    get = getattr(client, "_get_api_version", None)
    return get(group) if get else client._config.api_version


class Step:
    """Collects the HTTP statuses of one step (every response the client saw, polls included)."""

    def __init__(self, provider, operation, api_version, covers=None):
        self.rec = {"provider": provider, "operation": operation, "apiVersion": api_version, "statuses": [], "problems": []}
        if covers:
            self.rec["covers"] = covers

    def hook(self, response):
        self.rec["statuses"].append(response.http_response.status_code)

    def check(self, ok, problem):
        if not ok:
            self.rec["problems"].append(problem)

    def __enter__(self):
        return self

    def __exit__(self, et, ev, tb):
        if ev is not None:
            status = getattr(getattr(ev, "response", None), "status_code", None)
            if status is not None and (not self.rec["statuses"] or self.rec["statuses"][-1] != status):
                self.rec["statuses"].append(status)
            self.rec["problems"].append(f"{type(ev).__name__}: {str(ev).splitlines()[0][:300]}")
        print(json.dumps(self.rec), flush=True)
        return True


def raw(method, path, api_version, body=None, hook=None):
    """One request through the Data Box client's own pipeline (auth, TLS trust, headers) at `api_version`."""
    sep = "&" if "?" in path else "?"
    req = HttpRequest(method, f"{ARM}{path}{sep}api-version={api_version}", headers={"Content-Type": "application/json", "Accept": "application/json"})
    if body is not None:
        req.set_json_body(body)
    pr = db._client._pipeline.run(req, stream=False)
    if hook:
        hook(pr)
    return pr


DB_JOBS = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.DataBox/jobs"
ADDRESS = dict(recipient_name="Pat Admin", street_address1="1 Main St", city="Redmond", state_or_province="WA", postal_code="98052", country_or_region="USA", phone="4255550100", email="pat@example.com")


def ie_body(name, drive_id, with_return_shipping=True):
    props = dict(
        storage_account_id=ACCOUNT_ID, job_type="Import", return_address=ie_models.ReturnAddress(**ADDRESS),
        diagnostics_path="waimportexport", log_level="Verbose", backup_drive_manifest=True,
        drive_list=[ie_models.DriveStatus(drive_id=drive_id, bit_locker_key="238810-662376-448998-450120-652806-203390-606320-483076", manifest_file="\\DriveManifest.xml", manifest_hash="4228EC5D8E048CB9B515338C789314BE", drive_header_hash="")],
    )
    if with_return_shipping:
        props["return_shipping"] = ie_models.ReturnShipping(carrier_name="FedEx", carrier_account_number="989ffff")
    return ie_models.PutJobParameters(location="West US", properties=ie_models.JobDetails(**props))


def import_export():
    v = ie._config.api_version
    job = f"pyie-{RUN}"
    with Step("ImportExport", "Locations_List", v) as s:
        locs = list(ie.locations.list(raw_response_hook=s.hook))
        s.check(len(locs) > 0, "no locations")
    with Step("ImportExport", "Locations_Get", v) as s:
        ie.locations.get("West US", raw_response_hook=s.hook)
    with Step("ImportExport", "Jobs_Create", v) as s:
        j = ie.jobs.create(job, RG, ie_body(job, f"PY{RUN}A"), raw_response_hook=s.hook)
        s.check(s.rec["statuses"][-1] in (200, 201), "Jobs_Create documents 200 or 201")
        s.check(j.properties.state == "Creating", f"state {j.properties.state}, expected Creating")
        s.check(j.properties.backup_drive_manifest is True, "backupDriveManifest not kept")
    with Step("ImportExport", "Jobs_Create (no returnShipping, as the swagger allows)", v, covers="14.5") as s:
        ie.jobs.create(f"{job}-nors", RG, ie_body(job, f"PY{RUN}N", with_return_shipping=False), raw_response_hook=s.hook)
        s.check(s.rec["statuses"][-1] in (200, 201), "Jobs_Create documents 200 or 201")
    with Step("ImportExport", "Jobs_Get", v) as s:
        ie.jobs.get(job, RG, raw_response_hook=s.hook)
    with Step("ImportExport", "Jobs_ListBySubscription", v) as s:
        names = [x.name for x in ie.jobs.list_by_subscription(raw_response_hook=s.hook)]
        s.check(job in names, "created job not listed")
    with Step("ImportExport", "Jobs_ListByResourceGroup", v) as s:
        list(ie.jobs.list_by_resource_group(RG, raw_response_hook=s.hook))
    with Step("ImportExport", "BitLockerKeys_List", v) as s:
        keys = list(ie.bit_locker_keys.list(job, RG, raw_response_hook=s.hook))
        s.check(len(keys) == 1 and keys[0].bit_locker_key, "BitLocker key missing")
    with Step("ImportExport", "Jobs_Update (tracking: the model sends cancelRequested=false, backupDriveManifest=false)", v, covers="19.2") as s:
        upd = ie_models.UpdateJobParameters(state="Shipping", delivery_package=ie_models.DeliveryPackageInformation(carrier_name="FedEx", tracking_number=f"TRK{RUN}", drive_count=1, ship_date="2026-12-04"))
        j = ie.jobs.update(job, RG, upd, raw_response_hook=s.hook)
        s.check(s.rec["statuses"][-1] == 200, "Jobs_Update documents 200")
        s.check(j.properties.state == "Shipping", f"state {j.properties.state}, expected Shipping")
        s.check(j.properties.backup_drive_manifest is True, "the client's default backupDriveManifest=false turned off the creation setting")
    with Step("ImportExport", "Jobs_Update (cancelRequested=true while Shipping)", v, covers="14.4") as s:
        j = ie.jobs.update(job, RG, ie_models.UpdateJobParameters(cancel_requested=True), raw_response_hook=s.hook)
        s.check(j.properties.cancel_requested is True, "cancelRequested not set")
        s.check(j.properties.state == "Completed", f"a canceled job moves to Completed (docs), got {j.properties.state}")
    with Step("ImportExport", "Jobs_Update (tags on the canceled job)", v, covers="19.7") as s:
        ie.jobs.update(job, RG, ie_models.UpdateJobParameters(tags={"note": "canceled in rehearsal"}), raw_response_hook=s.hook)
        s.check(s.rec["statuses"][-1] == 200, "Jobs_Update documents 200")
    with Step("ImportExport", "Jobs_Delete (the canceled job)", v, covers="19.7") as s:
        ie.jobs.delete(job, RG, raw_response_hook=s.hook)
        s.check(s.rec["statuses"][-1] == 200, "Jobs_Delete documents 200")
    with Step("ImportExport", "Jobs_Delete (a job that does not exist)", v, covers="19.5") as s:
        try:
            ie.jobs.delete(f"{job}-never", RG, raw_response_hook=s.hook)
            s.check(False, f"deleting a missing job answered {s.rec['statuses'][-1]}; the swagger lists only 200 for a deletion, so a missing job is an error")
        except HttpResponseError as e:
            s.check(e.status_code == 404, f"expected 404 ResourceNotFound, got {e.status_code}")
    with Step("ImportExport", "Jobs_Delete (in Creating)", v) as s:
        ie.jobs.delete(f"{job}-nors", RG, raw_response_hook=s.hook)
        s.check(s.rec["statuses"][-1] == 200, "Jobs_Delete documents 200")


def db_body(serial):
    return {
        "location": "westus", "sku": {"name": "DataBoxCustomerDisk"},
        "properties": {"transferType": "ImportToAzure", "details": {
            "jobDetailsType": "DataBoxCustomerDisk",
            "contactDetails": {"contactName": "Pat Admin", "phone": "4255550100", "emailList": ["pat@example.com"]},
            "shippingAddress": {"streetAddress1": "1 Main St", "country": "US", "addressType": "Commercial"},
            "dataImportDetails": [{"accountDetails": {"dataAccountType": "StorageAccount", "storageAccountId": ACCOUNT_ID}, "logCollectionLevel": "Verbose"}],
            "importDiskDetailsCollection": {serial: {"manifestFile": "\\DriveManifest.xml", "manifestHash": "4228EC5D8E048CB9B515338C789314BE", "bitLockerKey": "238810-662376-448998-450120-652806-203390-606320-483076"}},
            "returnToCustomerPackageDetails": {"carrierName": "FedEx"},
            "enableManifestBackup": True,
        }},
    }


def data_box():
    v = ver(db, "jobs")
    job = f"pydb{RUN}"
    with Step("DataBox", "Jobs_Create (documented customer-disk body through the SDK pipeline and ARMPolling)", DB_API, covers="19.1") as s:
        first = raw("PUT", f"{DB_JOBS}/{job}", DB_API, db_body(f"PYDB{RUN}"), s.hook)
        s.check(first.http_response.status_code in (200, 202), f"Jobs_Create documents 200 or 202, got {first.http_response.status_code}")
        if first.http_response.status_code == 202:
            h = first.http_response.headers
            s.check(h.get("Azure-AsyncOperation") or h.get("Location"), "202 without a polling header")
        poller = LROPoller(db._client, first, lambda pr: json.loads(pr.http_response.text()), ARMPolling(1))
        final = poller.result(timeout=60)
        s.check(poller.status().lower() == "succeeded", f"poller ended {poller.status()}")
        s.check(isinstance(final, dict) and final.get("name") == job, "final result is not the job")
        s.check("details" not in (final or {}).get("properties", {}), "the final GET of the create carries details (only $expand=details should)")
    with Step("DataBox", "Jobs_Get (package api-version, no $expand)", v, covers="19.3/19.4") as s:
        j = db.jobs.get(RG, job, raw_response_hook=s.hook)
        s.check(j.details is None, "details returned without $expand=details")
    with Step("DataBox", "Jobs_Get ($expand=details)", v, covers="19.4") as s:
        j = db.jobs.get(RG, job, expand="details", raw_response_hook=s.hook)
        s.check(j.details is not None, "no details with $expand=details")
    with Step("DataBox", "Jobs_Get ($expand=details)", DB_API) as s:
        body = json.loads(raw("GET", f"{DB_JOBS}/{job}?$expand=details", DB_API, hook=s.hook).http_response.text())
        d = body.get("properties", {}).get("details", {})
        s.check(f"PYDB{RUN}" in d.get("importDiskDetailsCollection", {}), "disk missing from details")
        s.check("datacenterAddress" in d, "datacenter address missing from details")
    with Step("DataBox", "Jobs_List", v, covers="19.3/19.4") as s:
        jobs = list(db.jobs.list(raw_response_hook=s.hook))
        s.check(any(x.name == job for x in jobs), "created job not listed")
        s.check(all(x.details is None for x in jobs), "Jobs_List returned details (the official JobsList example has none)")
    with Step("DataBox", "Jobs_ListByResourceGroup", v) as s:
        list(db.jobs.list_by_resource_group(RG, raw_response_hook=s.hook))
    with Step("DataBox", "Jobs_ListCredentials", v) as s:
        creds = list(db.jobs.list_credentials(RG, job, raw_response_hook=s.hook))
        s.check(len(creds) == 1, "no credentials")
    with Step("DataBox", "Jobs_Update (return contact)", v) as s:
        upd = db.models().JobResourceUpdateParameter(details=db.models().UpdateJobDetails(contact_details=db.models().ContactDetails(contact_name="Sam Admin", phone="4255550101", email_list=["sam@example.com"])))
        db.jobs.begin_update(RG, job, upd, raw_response_hook=s.hook, polling_interval=1).result(timeout=60)
        s.check(s.rec["statuses"][0] in (200, 202), "Jobs_Update documents 200 or 202")
    with Step("DataBox", "Jobs_MarkDevicesShipped (through the pipeline)", DB_API) as s:
        r = raw("POST", f"{DB_JOBS}/{job}/markDevicesShipped", DB_API, {"deliverToDcPackageDetails": {"carrierName": "FedEx", "trackingId": f"DB{RUN}"}}, s.hook)
        s.check(r.http_response.status_code == 204, "Jobs_MarkDevicesShipped documents 204")
    other = f"pydbc{RUN}"
    with Step("DataBox", "Jobs_Create (a second job, to cancel)", DB_API) as s:
        LROPoller(db._client, raw("PUT", f"{DB_JOBS}/{other}", DB_API, db_body(f"PYDC{RUN}"), s.hook), lambda pr: None, ARMPolling(1)).result(timeout=60)
    with Step("DataBox", "Jobs_Cancel", v) as s:
        db.jobs.cancel(RG, other, db.models().CancellationReason(reason="conformance"), raw_response_hook=s.hook)
        s.check(s.rec["statuses"][-1] == 204, "Jobs_Cancel documents 204")
    with Step("DataBox", "Jobs_Delete (the canceled job)", v) as s:
        db.jobs.begin_delete(RG, other, raw_response_hook=s.hook, polling_interval=1).result(timeout=60)
        s.check(s.rec["statuses"][0] in (200, 202, 204), "Jobs_Delete documents 200, 202 or 204")
    with Step("DataBox", "Jobs_Delete (a job that does not exist)", v) as s:
        db.jobs.begin_delete(RG, f"nope{RUN}", raw_response_hook=s.hook, polling_interval=1).result(timeout=60)
        s.check(s.rec["statuses"][0] in (200, 204), "Jobs_Delete documents 204 for a job that does not exist")


def resources_and_storage():
    with Step("Resources", "Subscriptions_List", ver(subs, "subscriptions")) as s:
        s.check(any(x.subscription_id == SUB for x in subs.subscriptions.list(raw_response_hook=s.hook)), "subscription not listed")
    rv = ver(res, "providers")
    for ns in ("Microsoft.ImportExport", "Microsoft.DataBox"):
        with Step("Resources", f"Providers_Register ({ns})", rv) as s:
            p = res.providers.register(ns, raw_response_hook=s.hook)
            s.check(p.registration_state in ("Registering", "Registered"), f"state {p.registration_state}")
        with Step("Resources", f"Providers_Get ({ns})", rv) as s:
            res.providers.get(ns, raw_response_hook=s.hook)
    with Step("Resources", "ResourceGroups_Get", rv) as s:
        res.resource_groups.get(RG, raw_response_hook=s.hook)
    sv = ver(st, "storage_accounts")
    account = ACCOUNT_ID.rsplit("/", 1)[1]
    with Step("Storage", "StorageAccounts_List", sv) as s:
        s.check(any(a.name == account for a in st.storage_accounts.list(raw_response_hook=s.hook)), "account not listed")
    with Step("Storage", "StorageAccounts_ListByResourceGroup", sv) as s:
        list(st.storage_accounts.list_by_resource_group(RG, raw_response_hook=s.hook))
    with Step("Storage", "StorageAccounts_ListKeys", sv) as s:
        s.check(len(st.storage_accounts.list_keys(RG, account, raw_response_hook=s.hook).keys) == 2, "two keys expected")
    with Step("Storage", "BlobContainers_Create", sv) as s:
        st.blob_containers.create(RG, account, f"conf-{RUN}", {}, raw_response_hook=s.hook)
        s.check(s.rec["statuses"][-1] in (200, 201), "BlobContainers_Create documents 200 or 201")
    with Step("Storage", "BlobContainers_List", sv) as s:
        s.check(any(c.name == f"conf-{RUN}" for c in st.blob_containers.list(RG, account, raw_response_hook=s.hook)), "container not listed")


if __name__ == "__main__":
    part = sys.argv[1] if len(sys.argv) > 1 else "all"
    if part in ("all", "resources"):
        resources_and_storage()
    if part in ("all", "importexport"):
        import_export()
    if part in ("all", "databox"):
        data_box()
