"""Every signing test vector of the external-systems reference (§1.7, §4.2, §4.3, §5.1, §6)."""

import hashlib
import json
from urllib.parse import quote_plus

import pytest

from server.integrations.signing import (
    dingtalk_sign,
    gateway_sign,
    sf_msg_digest,
    shopify_webhook_hmac,
    verify_webhook,
    webhook_sign,
    webhook_signature_header,
    zto_data_digest,
)

TOP_PARAMS = {
    "app_key": "12345678",
    "end_modified": "2024-06-01 09:30:00",
    "fields": "tid,status,modified",
    "format": "json",
    "method": "taobao.trades.sold.increment.get",
    "page_no": "1",
    "page_size": "50",
    "session": "sess",
    "start_modified": "2024-06-01 09:00:00",
    "timestamp": "2024-06-01 10:00:00",
    "use_has_next": "true",
    "v": "2.0",
}


def test_pdd_official_example():
    params = {
        "access_token": "asd78172s8ds9a921j9qqwda12312w1w21211",
        "client_id": "1",
        "data_type": "XML",
        "order_status": "1",
        "page": "1",
        "page_size": "10",
        "timestamp": "1480411125",
        "type": "pdd.order.number.list.get",
    }
    assert gateway_sign(params, "testSecret") == "E4DE3ED21002510DED352819E7AE6775"


def test_jd_official_example():
    params = {
        "360buy_param_json": '{"end_date":null,"optional_fields":null,"order_state":"WAIT_SELLER_STOCK_OUT",'
        '"page":"1","page_size":"200","start_date":null}',
        "access_token": "yourtoken",
        "app_key": "yourappkey",
        "method": "jingdong.pop.order.search",
        "timestamp": "2021-05-07 09:20:39.683+0800",
        "v": "2.0",
    }
    assert gateway_sign(params, "yourappSecret") == "D70825340F4084360B9362B60DFD7930"


@pytest.mark.parametrize(
    ("sign_method", "expected"),
    [
        ("md5", "113BBCE07B8117FD7D9F60EAE472158F"),
        ("hmac", "43C45D6215D6E83D9D394AC33ADE958B"),
        ("hmac-sha256", "0E8080D9465296F7E82279A2BB636D8FE46460404F60C2B25D8006FBD53BBFE3"),
    ],
)
def test_top_sign_methods(sign_method, expected):
    params = {**TOP_PARAMS, "sign_method": sign_method}
    assert len(params) == 13
    assert gateway_sign(params, "topsecret", sign_method) == expected


def test_top_signed_string_skips_sign_and_empty_values():
    params = {**TOP_PARAMS, "sign_method": "md5", "sign": "WHATEVER", "status": "", "tag": None}
    assert gateway_sign(params, "topsecret") == "113BBCE07B8117FD7D9F60EAE472158F"


def test_gateway_sign_appends_raw_body():
    params = {"method": "taobao.qimen.order.cancel", "app_key": "k"}
    assert gateway_sign(params, "s", body=b"{}") != gateway_sign(params, "s")


def test_gateway_sign_rejects_unknown_method():
    with pytest.raises(ValueError):
        gateway_sign({"a": "1"}, "s", "sha1")


def test_shopify_webhook_hmac():
    body = b'{"id":"evt_1","type":"order.updated"}'
    assert shopify_webhook_hmac("shpss_secret", body) == "pMPT+dq+Qd9/NjS5siECVWipnQwW3RUP9Hjqm6cQda8="


def test_dingtalk_vector():
    signature = dingtalk_sign("SECexample0123456789", 1717207200000)
    assert signature == "uxjZuK+Ht8a5RuXk7zbS/Sf4icD+Jxlanabf5VmaNVA="
    assert quote_plus(signature) == "uxjZuK%2BHt8a5RuXk7zbS%2FSf4icD%2BJxlanabf5VmaNVA%3D"


def test_sf_vector():
    assert sf_msg_digest('{"orderId":"WMS-0001"}', 1717207200, "checkword123") == "xmnLSoHHk+YQdlnSP5GoLQ=="


def test_zto_vector():
    assert zto_data_digest('{"orderId":"WMS-0001"}', "ztosecret") == "81oCtea7RNBVKPxCELkxJw=="
    assert zto_data_digest(b'{"orderId":"WMS-0001"}', "ztosecret") == "81oCtea7RNBVKPxCELkxJw=="


# --- Packline webhooks (§6) ---

T = 1717207200
CURRENT = b"whsec_packline_test_1"
PREVIOUS = b"whsec_packline_test_0"
B1 = (
    b'{"id":"dlv_0001","type":"order.address_changed","platform":"taobao","shop":"tmall-01",'
    b'"platform_order_id":"4012345678901234567","address":{"name":"Zhang San","mobile":"13800001111",'
    b'"province":"Zhejiang","city":"Hangzhou","district":"Xihu","detail":"100 Wensan Rd"}}'
)
MAC_A = "32117e4afe1657ba3d36d28143517d469978af8a15c558688ec61a91b9eab5f0"
MAC_B = "f0b067e238c8f79e35724010a4f05ebe3f56610e4fb39be6e18c2a80f506fca8"
HEADER_A = f"t={T},v1={MAC_A}"


def test_body_b1_is_the_reference_body():
    assert len(B1) == 265
    assert (
        hashlib.sha256(B1).hexdigest() == "759a397366df873fb78b4b51c81ce2347ae6e4ff52b4f4d386a6439ce1b4098a"
    )


def test_case_a_current_secret():
    assert webhook_sign(CURRENT, T, B1) == MAC_A
    assert verify_webhook(HEADER_A, B1, [CURRENT, PREVIOUS], now=T) == "ok"


def test_case_b_previous_secret():
    assert webhook_sign(PREVIOUS, T, B1) == MAC_B
    assert verify_webhook(f"t={T},v1={MAC_B}", B1, [CURRENT, PREVIOUS], now=T) == "ok"


def test_case_c_rotation_header_accepted_by_receiver_holding_only_previous_secret():
    header = webhook_signature_header([CURRENT, PREVIOUS], T, B1)
    assert header == f"t={T},v1={MAC_A},v1={MAC_B}"
    assert verify_webhook(header, B1, [PREVIOUS], now=T) == "ok"


def test_case_d_tampered_body():
    tampered = B1.replace(b"100 Wensan Rd", b"101 Wensan Rd")
    assert (
        webhook_sign(CURRENT, T, tampered)
        == "0ba74b7295fa6440df0a6e2f9e179b7a8cae36e7a9704dcf3c42026ab6208929"
    )
    assert verify_webhook(HEADER_A, tampered, [CURRENT], now=T) == "mismatch"


@pytest.mark.parametrize(("now", "verdict"), [(T + 300, "ok"), (T + 301, "stale"), (T - 301, "stale")])
def test_case_e_tolerance(now, verdict):
    assert verify_webhook(HEADER_A, B1, [CURRENT], now=now) == verdict


@pytest.mark.parametrize(
    "header",
    [
        f"v1={MAC_A}",
        None,
        "",
        f"t={T}",
        f"t={T},t={T},v1={MAC_A}",
        f"t=abc,v1={MAC_A}",
        f"t=²,v1={MAC_A}",
        "garbage",
    ],
)
def test_case_f_malformed_header(header):
    assert verify_webhook(header, B1, [CURRENT], now=T) == "malformed"


def test_case_g_reserialised_json_does_not_verify():
    redumped = json.dumps(json.loads(B1)).encode()
    assert len(redumped) == 287
    assert verify_webhook(HEADER_A, redumped, [CURRENT], now=T) == "mismatch"


def test_case_h_verification_is_repeatable_so_dedupe_must_follow_it():
    # The receiver dedupes by delivery id after verifying; the MAC itself verifies on every delivery.
    assert verify_webhook(HEADER_A, B1, [CURRENT], now=T) == "ok"
    assert verify_webhook(HEADER_A, B1, [CURRENT], now=T) == "ok"


def test_body_b2_utf8_mac_is_over_bytes():
    b2 = (
        '{"id":"dlv_0002","type":"order.address_changed","platform":"pdd","shop":"pdd-01",'
        '"platform_order_id":"240601-123456789012345","address":{"name":"王五","mobile":"13712345678",'
        '"province":"广东省","city":"深圳市","district":"南山区","detail":"科技园南区 8 栋"}}'
    )
    raw = b2.encode()
    assert (len(b2), len(raw)) == (241, 275)
    assert (
        hashlib.sha256(raw).hexdigest() == "b450be0ab72b5d41fd5076d6513013e0c10067929cd4ad1b04b206f3a1955cf8"
    )
    mac = "a5aa727e9e9ffa4a22903432363fea8c38a3d4d4c4832519d59dd938c6309f51"
    assert webhook_sign(CURRENT, T, raw) == mac
    assert verify_webhook(f"t={T},v1={mac}", raw, [CURRENT], now=T) == "ok"


def test_secrets_may_be_text_and_non_ascii_candidates_do_not_crash():
    assert verify_webhook(HEADER_A, B1, ["whsec_packline_test_1"], now=T) == "ok"
    assert verify_webhook(f"t={T},v1=签名", B1, [CURRENT], now=T) == "mismatch"
