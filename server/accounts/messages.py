"""zh-CN and English texts for login and token errors."""

from server.i18n import define

BAD_CREDENTIALS = define("BAD_CREDENTIALS", "用户名或密码错误", "Wrong username or password")
UNKNOWN_BADGE = define("UNKNOWN_BADGE", "工牌无效,请联系组长", "Badge not recognised; ask your lead")
TOKEN_INVALID = define(
    "TOKEN_INVALID", "登录已失效,请重新登录", "Your session is no longer valid; log in again"
)
TOO_MANY_ATTEMPTS = define(
    "TOO_MANY_ATTEMPTS", "尝试次数过多,请{retry_after}秒后再试", "Too many attempts; retry in {retry_after} s"
)
WRONG_WAREHOUSE = define(
    "WRONG_WAREHOUSE",
    "该订单属于其他仓库({warehouse}),您无权操作",
    "This belongs to another warehouse ({warehouse})",
)
USER_EXISTS = define("USER_EXISTS", "用户名 {username} 已存在", "Username {username} already exists")
BADGE_NEEDS_DEVICE = define(
    "BADGE_NEEDS_DEVICE", "工牌登录只能在登记过的 PDA 上使用", "Badge login works only on a registered PDA"
)
DEVICE_NOT_REGISTERED = define(
    "DEVICE_NOT_REGISTERED",
    "本机未登记或登记已被撤销,请组长重新登记本机",
    "This PDA is not registered or its registration was revoked; ask your lead to register it",
)
DEVICE_OF_OTHER_WAREHOUSE = define(
    "DEVICE_OF_OTHER_WAREHOUSE",
    "这台 PDA 登记在 {warehouse} 仓,只能用本仓员工的工牌登录",
    "This PDA is registered to warehouse {warehouse}; only its own staff can log in by badge here",
)
