"""zh-CN and English texts of the CS desk: key kinds, couriers, promise wording, the chat reply, coupons."""

from server.i18n import define

ORDER_NOT_LATE = define(
    "ORDER_NOT_LATE",
    "订单未超时(承诺发货时间 {ship_by}),不能发放延迟补偿券",
    "The order is not late (ship by {ship_by}); no delay coupon can be issued",
)

KEY_KINDS = {
    "order": ("订单号", "order number"),
    "gift": ("赠品单号", "gift number"),
    "tracking": ("运单号", "tracking number"),
    "external_id": ("平台订单号", "platform order id"),
    "phone_name": ("手机尾号+姓名", "phone last 4 + name"),
    "none": ("无法识别", "not recognised"),
}
COURIERS = {
    "ZTO": ("中通快递", "ZTO Express"),
    "YTO": ("圆通速递", "YTO Express"),
    "STO": ("申通快递", "STO Express"),
    "YUNDA": ("韵达快递", "Yunda Express"),
    "SF": ("顺丰速运", "SF Express"),
    "EMS": ("中国邮政 EMS", "China Post EMS"),
    "JTSD": ("极兔速递", "J&T Express"),
    "JD": ("京东物流", "JD Logistics"),
}
PROMISE = {
    "on_time": ("已按时生成运单", "tracking issued on time"),
    "late_tracked": ("运单晚了 {span}", "tracking issued {span} late"),
    "late": ("已超时 {span}", "{span} late"),
    "pending": ("剩余 {span}", "{span} left"),
    "not_due": ("无需发货", "not due to ship"),
    "no_promise": ("尚未付款,未开始计时", "not paid yet: no ship promise"),
}
SPAN = {
    "dh": ("{d}天{h}小时", "{d} d {h} h"),
    "hm": ("{h}小时{m}分", "{h} h {m} min"),
    "m": ("{m}分钟", "{m} min"),
}
GIFT_LINE = ("赠品: {names} ({state})", "Gift: {names} ({state})")
NO_GIFT = ("无赠品", "no gift")
ADDRESS_MASKED = ("已按客服权限隐藏电话和门牌", "phone and house details hidden for CS")
TRAIL_SUBJECT = {"order": ("订单", "order"), "gift": ("赠品", "gift")}
TRAIL_CREATED = ("创建", "created")
COUPON_RULE = ("超时 ≥ {hours} 小时", "late ≥ {hours} h")

# The chat reply, one line per section (see server.cs.reply)
CHAT = {
    "order": ("订单 {order_number}", "Order {order_number}"),
    "status": ("状态: {status}", "Status: {status}"),
    "ship_by": ("承诺发货: {ship_by} 前({promise})", "Ship by: {ship_by} ({promise})"),
    "tracking": ("运单: {courier} {tracking}", "Tracking: {courier} {tracking}"),
    "no_tracking": ("运单: 尚未生成", "Tracking: not issued yet"),
    "split": ("您的包裹已分{count}批发出:", "Your parcel was shipped in {count} parts:"),
    "hold": ("注意: {holds}", "Note: {holds}"),
    "payment_link": ("付款链接已私发,请查收", "We have sent you the payment link privately; please check it"),
    "not_found": (
        "您好,未找到订单 {key},请核对订单号后再试。",
        "Sorry, we could not find order {key}; please check the number and try again.",
    ),
    "no_key": (
        "您好,请发送「查订单 订单号」,例如:查订单 DAB2026021700882",
        "Hello! Send 'order <number>', for example: order DAB2026021700882",
    ),
    "coupon": ("已为您发放延迟补偿券 ¥{amount}", "A ¥{amount} delay coupon has been issued to you"),
}


def pick(pair: tuple[str, str], locale: str) -> str:
    return pair[1] if locale == "en" else pair[0]
