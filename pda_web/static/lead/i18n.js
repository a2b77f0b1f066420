/** i18n.js — the lead screen's texts, zh-CN (default) and English. */

const TEXTS = {
  'zh-CN': {
    title: '打包实时看板',
    login_title: '组长登录',
    username: '用户名',
    password: '密码',
    warehouse_opt: '仓库(管理员/客服填写)',
    login: '登录',
    logout: '退出',
    lang_switch: 'English',
    status_paid: '待拣货',
    status_picking: '拣货中',
    status_printed: '已打单',
    status_packed: '已打包',
    total_open: '在途订单',
    overdue_total: '已超时',
    red: '超时',
    yellow: '临期',
    green: '正常',
    overdue_top: '超时 TOP10(拣货中/已打单)',
    no_tracking: '打单超 {hours} 小时无运单号',
    alerts: '实时告警',
    packed_per_hour: '今日每小时打包量(按打包员)',
    none_overdue: '没有超时订单',
    none_no_tracking: '没有滞留订单',
    none_alerts: '暂无未处理告警',
    no_packs: '今日尚无打包记录',
    ack: '确认',
    acked: '已确认',
    ack_failed: '确认失败:{message}',
    since_printed: '{h}小时{m}分',
    overdue_by: '超 {t}',
    left: '剩 {t}',
    conn_connected: '实时连接',
    conn_connecting: '连接中…',
    conn_reconnecting: '重连中…',
    conn_stale: '实时推送中断,数据可能过期',
    conn_offline: '离线',
    conn_refused: '登录失效',
    conn_closed: '已断开',
    updated: '更新于 {t}',
    crossed_red: '{n} 单刚刚超时',
    crossed_yellow: '{n} 单进入临期',
    login_failed: '登录失败:{message}',
    need_warehouse: '请填写仓库代码,如 HZ01',
    orders: '单',
    sev_critical: '严重',
    sev_error: '错误',
    sev_warning: '警告',
    sev_info: '提示',
  },
  en: {
    title: 'Packing live board',
    login_title: 'Lead login',
    username: 'Username',
    password: 'Password',
    warehouse_opt: 'Warehouse (admin / CS only)',
    login: 'Log in',
    logout: 'Log out',
    lang_switch: '中文',
    status_paid: 'To pick',
    status_picking: 'Picking',
    status_printed: 'Printed',
    status_packed: 'Packed',
    total_open: 'Open orders',
    overdue_total: 'Overdue',
    red: 'Late',
    yellow: 'Soon',
    green: 'OK',
    overdue_top: 'Overdue TOP 10 (picking / printed)',
    no_tracking: 'Printed > {hours} h, no tracking no.',
    alerts: 'Live alerts',
    packed_per_hour: 'Packed per hour today (by packer)',
    none_overdue: 'Nothing overdue',
    none_no_tracking: 'Nothing stuck',
    none_alerts: 'No open alerts',
    no_packs: 'Nothing packed yet today',
    ack: 'Ack',
    acked: 'Seen',
    ack_failed: 'Could not acknowledge: {message}',
    since_printed: '{h} h {m} min',
    overdue_by: 'late {t}',
    left: '{t} left',
    conn_connected: 'Live',
    conn_connecting: 'Connecting…',
    conn_reconnecting: 'Reconnecting…',
    conn_stale: 'Live feed interrupted: figures may be old',
    conn_offline: 'Offline',
    conn_refused: 'Session expired',
    conn_closed: 'Disconnected',
    updated: 'Updated {t}',
    crossed_red: '{n} order(s) just went overdue',
    crossed_yellow: '{n} order(s) now due soon',
    login_failed: 'Login failed: {message}',
    need_warehouse: 'Enter a warehouse code, e.g. HZ01',
    orders: '',
    sev_critical: 'Critical',
    sev_error: 'Error',
    sev_warning: 'Warning',
    sev_info: 'Info',
  },
};

const KEY = 'packline.lead.locale';
let locale = sessionStorage.getItem(KEY) === 'en' ? 'en' : 'zh-CN';

export function getLocale() {
  return locale;
}

export function setLocale(next) {
  locale = next === 'en' ? 'en' : 'zh-CN';
  sessionStorage.setItem(KEY, locale);
  document.documentElement.lang = locale;
}

export function t(key, params = {}) {
  const template = TEXTS[locale][key] ?? TEXTS['zh-CN'][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

/** Fill every [data-i18n] element's text (and [data-i18n-placeholder] placeholders). */
export function applyTexts(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
}
