"""Kingdee simulator: cookie session, bill queries (incl. the nested-list error), Save, faults."""

import json

import pytest
import requests

from simulators import kingdee

STUB = "/K3Cloud/Kingdee.BOS.WebApi.ServicesStub.{}.common.kdsvc"
LOGIN = {"acctID": "packline-dc", "username": "packline", "password": "packline123", "lcid": 2052}
NESTED_FXXX = (
    '[[{"Result":{"ResponseStatus":{"ErrorCode":500,"IsSuccess":false,"Errors":[{"FieldName":null,'
    '"Message":"元数据中标识为FXxx的字段不存在","DIndex":0}],"SuccessEntitys":[],"SuccessMessages":[],"MsgCode":9}}}]]'
)


def model(note, *lines):
    return {
        "FID": 0,
        "FBillTypeID": {"FNUMBER": "XSCKD01_SYS"},
        "FDate": "2024-06-01",
        "FSaleOrgId": {"FNumber": "100"},
        "FStockOrgId": {"FNumber": "100"},
        "FCustomerID": {"FNumber": "CUST-TMALL-01"},
        "FNote": note,
        "FEntity": [
            {
                "FMaterialID": {"FNumber": sku},
                "FUnitID": {"FNumber": "Pcs"},
                "FRealQty": qty,
                "FStockID": {"FNumber": "CK01"},
            }
            for sku, qty in lines
        ],
    }


class Client:
    def __init__(self, url):
        self.url, self.http = url, requests.Session()

    def call(self, method, body, timeout=5):
        return self.http.post(self.url + STUB.format(method), json=body, timeout=timeout)

    def login(self):
        return self.call("AuthService.ValidateUser", LOGIN)

    def save(self, data, form_id="SAL_OUTSTOCK", **kwargs):
        return self.call("DynamicFormService.Save", {"formid": form_id, "data": data}, **kwargs)

    def query(self, **data):
        return self.call("DynamicFormService.ExecuteBillQuery", {"data": data})


@pytest.fixture
def erp(start_sim):
    client = Client(start_sim(kingdee.start).url)
    assert client.login().json()["LoginResultType"] == 1
    return client


def save_data(note, *lines):
    return {"NeedReturnFields": ["FBillNo"], "IsDeleteEntry": "true", "Model": model(note, *lines)}


def test_login_sets_both_session_cookies(start_sim):
    client = Client(start_sim(kingdee.start).url)
    answer = client.login()
    assert answer.json()["IsSuccessByAPI"] is True
    assert {"kdservice-sessionid", "ASP.NET_SessionId"} <= set(answer.cookies.keys())
    assert answer.json()["KDSVCSessionId"] == answer.cookies["kdservice-sessionid"]
    wrong = client.call("AuthService.ValidateUser", {**LOGIN, "password": "x"}).json()
    assert (wrong["LoginResultType"], wrong["IsSuccessByAPI"]) == (0, False)


def test_calls_without_a_session_get_the_session_lost_message(start_sim):
    client = Client(start_sim(kingdee.start).url)
    saved = client.save(save_data("packline PKG1", ("SKU-2001", 1))).json()
    assert saved["Result"]["ResponseStatus"]["Errors"][0]["Message"] == "会话信息已丢失，请重新登录"
    assert saved["Result"]["ResponseStatus"]["MsgCode"] == 1
    queried = client.query(FormId="SAL_OUTSTOCK", FieldKeys="FID").json()
    assert queried[0][0]["Result"]["ResponseStatus"]["Errors"][0]["Message"] == "会话信息已丢失，请重新登录"


@pytest.mark.parametrize("as_string", [False, True])
def test_save_accepts_data_as_dict_or_json_string(erp, as_string):
    data = save_data("packline PKG240601000123", ("SKU-1001-BLK-M", 2), ("SKU-2001", 1))
    result = erp.save(json.dumps(data, ensure_ascii=False) if as_string else data).json()["Result"]
    status = result["ResponseStatus"]
    assert status["IsSuccess"] is True and status["Errors"] == []
    [entity] = status["SuccessEntitys"]
    assert entity["Number"].startswith("XSCKD") and entity["DIndex"] == 0
    assert result["Id"] == entity["Id"] and result["Number"] == entity["Number"]
    assert result["NeedReturnData"] == [{"FBillNo": entity["Number"]}]


def test_query_returns_array_of_arrays_with_one_row_per_entry(erp):
    erp.save(save_data("packline PKG1", ("SKU-1001-BLK-M", 2), ("SKU-2001", 1)))
    rows = erp.query(
        FormId="SAL_OUTSTOCK",
        FieldKeys="FBillNo,FDocumentStatus,FCustomerID.FNumber,FSAL_OUTSTOCKENTRY_FMaterialId.FNumber,FSAL_OUTSTOCKENTRY_FRealQty,FNote",
        FilterString="FNote = 'packline PKG1'",
    ).json()
    assert [row[1:] for row in rows] == [
        ["A", "CUST-TMALL-01", "SKU-1001-BLK-M", 2.0, "packline PKG1"],
        ["A", "CUST-TMALL-01", "SKU-2001", 1.0, "packline PKG1"],
    ]
    assert rows[0][0] == rows[1][0]
    [[bill_date, modified]] = erp.query(FormId="SAL_OUTSTOCK", FieldKeys="FDate,FModifyDate", Limit=1).json()
    assert bill_date == "2024-06-01T00:00:00"
    assert modified[:10].count("-") == 2 and modified[10] == "T"


def test_query_by_reference_after_a_save_that_timed_out(erp):
    requests.post(f"{erp.url}/__sim/faults", json={"op": "Save", "kind": "timeout_after", "seconds": 0.6})
    with pytest.raises(requests.ReadTimeout):
        erp.save(save_data("packline PKG-LOST", ("SKU-3001", 1)), timeout=0.2)
    rows = erp.query(
        FormId="SAL_OUTSTOCK", FieldKeys="FID,FBillNo", FilterString="FNote like '%PKG-LOST'"
    ).json()
    assert len(rows) == 1
    assert requests.get(f"{erp.url}/__sim/bills").json()["bills"][0]["header"]["fnote"] == "packline PKG-LOST"


def test_unknown_field_key_gives_the_nested_list_error(erp):
    answer = erp.query(FormId="SAL_OUTSTOCK", FieldKeys="FID,FXxx")
    assert answer.content.decode() == NESTED_FXXX


def test_malformed_fault_on_query_is_the_reference_nested_error_byte_for_byte(erp):
    requests.post(f"{erp.url}/__sim/faults", json={"op": "ExecuteBillQuery", "kind": "malformed"})
    assert erp.query(FormId="SAL_OUTSTOCK", FieldKeys="FID").content.decode() == NESTED_FXXX


def test_paging_start_row_and_limit_then_an_empty_page(erp):
    for index in range(5):
        erp.save(save_data(f"packline PKG{index}", ("SKU-2001", 1)))
    base = {"FormId": "SAL_OUTSTOCK", "FieldKeys": "FID,FNote", "OrderString": "FID ASC", "Limit": 2}
    pages = [erp.query(**base, StartRow=start).json() for start in (0, 2, 4, 6)]
    assert [len(page) for page in pages] == [2, 2, 1, 0]
    assert [row[1] for page in pages for row in page] == [f"packline PKG{i}" for i in range(5)]
    newest_first = erp.query(**{**base, "OrderString": "FID DESC", "Limit": 1}).json()
    assert newest_first[0][1] == "packline PKG4"


def test_filter_string_supports_dates_and_boolean_logic(erp):
    erp.save(save_data("packline A", ("SKU-2001", 1)))
    erp.save(save_data("packline B", ("SKU-2002", 3)))
    rows = erp.query(
        FormId="SAL_OUTSTOCK",
        FieldKeys="FNote",
        FilterString="FModifyDate >= '2000-01-01 00:00:00' and (FNote = 'packline A' or FNote in ('packline B')) and not FNote = 'x'",
    ).json()
    assert sorted(row[0] for row in rows) == ["packline A", "packline B"]
    broken = erp.query(FormId="SAL_OUTSTOCK", FieldKeys="FNote", FilterString="FNote = ").json()
    assert broken[0][0]["Result"]["ResponseStatus"]["IsSuccess"] is False


def test_save_validation_error_shape(erp):
    data = save_data("packline X", ("SKU-2001", 1))
    del data["Model"]["FCustomerID"]
    status = erp.save(data).json()["Result"]["ResponseStatus"]
    assert (status["IsSuccess"], status["Errors"][0]["FieldName"]) == (False, "FCustomerID")


def test_submit_and_audit_move_the_document_status(erp):
    number = erp.save(save_data("packline S", ("SKU-2001", 1))).json()["Result"]["Number"]
    assert (
        erp.call(
            "DynamicFormService.Audit", {"formid": "SAL_OUTSTOCK", "data": {"Numbers": [number]}}
        ).json()["Result"]["ResponseStatus"]["IsSuccess"]
        is False
    )
    for method in ("Submit", "Audit"):
        reply = erp.call(
            f"DynamicFormService.{method}", {"formid": "SAL_OUTSTOCK", "data": {"Numbers": [number]}}
        )
        assert reply.json()["Result"]["ResponseStatus"]["IsSuccess"] is True
    assert erp.query(FormId="SAL_OUTSTOCK", FieldKeys="FDocumentStatus").json() == [["C"]]


def test_session_lost_fault_forces_a_relogin(erp):
    requests.post(f"{erp.url}/__sim/faults", json={"op": "Save", "kind": "session_lost"})
    lost = erp.save(save_data("packline L", ("SKU-2001", 1))).json()
    assert lost["Result"]["ResponseStatus"]["Errors"][0]["Message"] == "会话信息已丢失，请重新登录"
    assert (
        erp.query(FormId="SAL_OUTSTOCK", FieldKeys="FID").json()[0][0]["Result"]["ResponseStatus"]["MsgCode"]
        == 1
    )
    erp.login()
    assert erp.save(save_data("packline L", ("SKU-2001", 1))).json()["Result"]["ResponseStatus"]["IsSuccess"]


def test_seeded_erp_order_statuses_are_queryable(erp):
    seeds = [
        {"platform_order_id": "4012345678901234567", "shop": "tmall-01", "cancel_status": "B"},
        {"platform_order_id": "240601-123456789012345", "shop": "pdd-01"},
    ]
    requests.post(f"{erp.url}/__sim/erp-orders", json={"orders": seeds})
    rows = erp.query(
        FormId="SAL_SaleOrder",
        FieldKeys="F_PKL_PlatformOrderId,FDocumentStatus,FCancelStatus,F_PKL_Shop",
        FilterString="F_PKL_PlatformOrderId in ('4012345678901234567','240601-123456789012345')",
        OrderString="F_PKL_Shop ASC",
    ).json()
    assert rows == [
        ["240601-123456789012345", "C", "A", "pdd-01"],
        ["4012345678901234567", "C", "B", "tmall-01"],
    ]


def test_materials_come_from_the_catalog(erp):
    rows = erp.query(
        FormId="BD_MATERIAL", FieldKeys="FNumber,FName", FilterString="FNumber like 'GIFT-%'"
    ).json()
    assert sorted(row[0] for row in rows) == ["GIFT-BAG-01", "GIFT-CUP-01", "GIFT-SAMPLE-01"]


def test_server_error_fault(erp):
    requests.post(f"{erp.url}/__sim/faults", json={"op": "Save", "kind": "server_error", "status": 500})
    assert erp.save(save_data("packline E", ("SKU-2001", 1))).status_code == 500
