/* motcua: helpers shared by the office pages (served at /static/motcua.js).
 *
 * Exposes `window.Motcua` (and the shortcuts `t`, `api`, `stream`):
 *   t(key, vars)                 translated text in the current language
 *   addStrings({vi:{…}, en:{…}}) merge a page's dictionary into the shared one
 *   lang() / setLang(l, opts)    current language ('vi' default, 'en')
 *   onLangChange(fn)             re-render hook after setLang
 *   applyI18n(root)              fill [data-i18n], [data-i18n-attr] elements
 *   api(method, path, body)      JSON fetch; throws Error{code, status, detail}
 *   errorText(err)               the user-facing message for an error
 *   stream(view, params, onSnapshot, onStatus) live SSE snapshots, reconnecting
 *   hhmm(iso), minutesSince(iso), localDate(d)   time formatting (browser local time)
 *   el(tag, attrs, ...children)  DOM builder (text goes through textContent: safe)
 *   showMessage(elem, text, kind, detail)  a toast that hides itself
 *   priorityName(code), queueName(q)       names in the current language
 */
'use strict';

(function () {
  const LANGS = ['vi', 'en'];
  const STORAGE_KEY = 'motcua.lang';

  // Shared strings: error codes, priority groups, connection states, common words.
  const strings = {
    vi: {
      'app.name': 'Một cửa',
      'lang.toggle': 'English',
      'lang.toggle.aria': 'Chuyển sang tiếng Anh',
      'conn.connected': 'Đã kết nối',
      'conn.connecting': 'Đang kết nối…',
      'conn.reconnecting': 'Đang kết nối lại…',
      'counter.n': 'Quầy {n}',
      'none': '—',

      'err.bad_login': 'Sai tên đăng nhập hoặc mật khẩu.',
      'err.not_lead': 'Chỉ lãnh đạo (đơn vị hoặc tỉnh) mới xem được báo cáo.',
      'read.title': 'Đăng nhập để xem báo cáo',
      'chart.failed': 'Không tải được biểu đồ.',
      'read.username': 'Tên đăng nhập',
      'read.password': 'Mật khẩu',
      'read.submit': 'Đăng nhập',
      'err.wrong_site': 'Tài khoản hoặc thiết bị này thuộc đơn vị khác.',
      'err.unknown_site': 'Không có đơn vị nào có mã này.',
      'err.site_needed': 'Máy chủ phục vụ nhiều đơn vị: hãy mở trang của đơn vị mình (/s/MÃ/…).',
      'err.no_counter_role': 'Tài khoản cấp tỉnh chỉ xem báo cáo, không gọi số.',
      'err.throttled': 'Nhập sai mật khẩu nhiều lần từ máy này. Vui lòng chờ một lát rồi thử lại.',
      'err.overloaded': 'Máy chủ đang bận. Vui lòng thử lại sau vài giây.',
      'err.disabled': 'Tài khoản này đã bị vô hiệu hóa. Vui lòng liên hệ người quản trị máy chủ.',
      'err.too_long': 'Tên đăng nhập hoặc mật khẩu quá dài.',
      'err.nul_character': 'Tên đăng nhập hoặc mật khẩu chứa ký tự không hợp lệ.',
      'err.not_json': 'Trang này không được phép thực hiện thao tác đó. Vui lòng mở lại trang từ máy chủ một cửa.',
      'err.cross_origin': 'Trang này không được phép thực hiện thao tác đó. Vui lòng mở lại trang từ máy chủ một cửa.',
      'err.counter_taken': 'Quầy này đang do cán bộ khác sử dụng.',
      'err.bad_request': 'Yêu cầu không hợp lệ. Vui lòng kiểm tra lại thông tin.',
      'err.nobody_waiting': 'Không còn ai đang chờ ở các hàng của quầy.',
      'err.paused': 'Quầy đang tạm dừng. Bấm “Tiếp tục” để gọi số.',
      'err.note_required': 'Cần ghi chú (không để trống).',
      'err.note_too_long': 'Ghi chú dài quá 500 ký tự.',
      'err.bad_rules': 'Ngưỡng cảnh báo không hợp lệ.',
      'err.no_alert': 'Không có cảnh báo này ở đơn vị.',
      'err.already_acknowledged': 'Cảnh báo này đã được xác nhận.',
      'err.already_followed_up': 'Đánh giá này đã được xử lý.',
      'alert.long_wait': 'Hàng {queue}: có người đã chờ {value} phút (ngưỡng {threshold})',
      'alert.many_waiting': 'Hàng {queue}: {value} người đang chờ (ngưỡng {threshold})',
      'alert.paused_long': 'Quầy {counter} tạm dừng {value} phút (ngưỡng {threshold})',
      'alert.idle_long': 'Quầy {counter} mở nhưng chưa gọi số {value} phút khi có người chờ (ngưỡng {threshold})',
      'alert.rating': 'Số {label}, quầy {counter}: công dân không hài lòng',
      'alert.reasons': 'Lý do: {list}',
      'reason.long_wait': 'chờ lâu',
      'reason.attitude': 'thái độ chưa tốt',
      'reason.unclear': 'hướng dẫn chưa rõ',
      'reason.paperwork': 'thủ tục rườm rà',
      'reason.other': 'lý do khác',
      'err.not_started': 'Số hiện tại đã được gọi nhưng chưa bắt đầu phục vụ: bấm “Bắt đầu” hoặc “Vắng mặt”.',
      'err.no_current': 'Quầy chưa có số nào đang gọi hoặc đang phục vụ.',
      'err.not_recallable': 'Số này không còn gọi lại được (quá 15 phút hoặc đã xử lý).',
      'err.busy': 'Quầy đang có số khác: hãy hoàn thành số hiện tại trước.',
      'err.not_pending': 'Không còn lượt đánh giá nào đang chờ ở quầy này.',
      'err.tablet_not_paired': 'Máy tính bảng này chưa được ghép với quầy. Vui lòng nhập mã ghép.',
      'err.wrong_counter': 'Máy tính bảng này được ghép với quầy khác.',
      'err.bad_code': 'Mã ghép không đúng hoặc đã được dùng.',
      'err.code_expired': 'Mã ghép đã hết hạn. Vui lòng xin cán bộ mã mới.',
      'err.pairing_throttled': 'Nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.',
      'err.unauthorized': 'Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.',
      'err.forbidden': 'Bạn không có quyền thực hiện thao tác này.',
      'err.not_found': 'Không tìm thấy.',
      'err.network': 'Mất kết nối tới máy chủ. Vui lòng kiểm tra mạng và thử lại.',
      'err.body_timeout': 'Mạng quá chậm: yêu cầu chưa tới được máy chủ. Vui lòng thử lại.',
      'err.server': 'Máy chủ gặp lỗi. Vui lòng thử lại sau.',
      'err.unknown': 'Đã có lỗi xảy ra. Vui lòng thử lại.',

      'priority.none': 'Không ưu tiên',
      'priority.elderly': 'Người cao tuổi',
      'priority.disabled': 'Người khuyết tật',
      'priority.pregnant': 'Phụ nữ mang thai',
      'priority.young_child': 'Người đi cùng trẻ dưới 6 tuổi',
      'priority.meritorious': 'Người có công',
    },
    en: {
      'app.name': 'One-stop shop',
      'lang.toggle': 'Tiếng Việt',
      'lang.toggle.aria': 'Switch to Vietnamese',
      'conn.connected': 'Connected',
      'conn.connecting': 'Connecting…',
      'conn.reconnecting': 'Reconnecting…',
      'counter.n': 'Counter {n}',
      'none': '—',

      'err.bad_login': 'Wrong username or password.',
      'err.not_lead': 'Only a lead (a site\u2019s or the province\u2019s) sees the reports.',
      'read.title': 'Sign in to read the reports',
      'chart.failed': 'The chart could not be loaded.',
      'read.username': 'Username',
      'read.password': 'Password',
      'read.submit': 'Sign in',
      'err.wrong_site': 'This account or device belongs to another site.',
      'err.unknown_site': 'No site has this code.',
      'err.site_needed': 'This server serves several sites: open your site\'s page (/s/CODE/…).',
      'err.no_counter_role': 'A province account reads reports and calls no one.',
      'err.throttled': 'Too many wrong passwords from this computer. Please wait a moment and try again.',
      'err.overloaded': 'The server is busy. Please try again in a few seconds.',
      'err.disabled': 'This account is disabled. Please ask whoever runs the office server.',
      'err.too_long': 'The username or password is too long.',
      'err.nul_character': 'The username or password contains an invalid character.',
      'err.not_json': 'This page may not do that. Please open it again from the office server.',
      'err.cross_origin': 'This page may not do that. Please open it again from the office server.',
      'err.counter_taken': 'Another clerk is signed in at this counter.',
      'err.bad_request': 'Invalid request. Please check the details.',
      'err.nobody_waiting': 'Nobody is waiting in this counter’s queues.',
      'err.paused': 'The counter is paused. Press “Resume” to call tickets.',
      'err.note_required': 'A note is required.',
      'err.note_too_long': 'A note is at most 500 characters.',
      'err.bad_rules': 'The alert thresholds are not valid.',
      'err.no_alert': 'This site has no such alert.',
      'err.already_acknowledged': 'This alert was acknowledged already.',
      'err.already_followed_up': 'This rating was followed up already.',
      'alert.long_wait': 'Queue {queue}: someone has waited {value} min (threshold {threshold})',
      'alert.many_waiting': 'Queue {queue}: {value} people waiting (threshold {threshold})',
      'alert.paused_long': 'Counter {counter} paused for {value} min (threshold {threshold})',
      'alert.idle_long': 'Counter {counter} open but calling no one for {value} min while people wait (threshold {threshold})',
      'alert.rating': 'Ticket {label}, counter {counter}: the citizen was unsatisfied',
      'alert.reasons': 'Reasons: {list}',
      'reason.long_wait': 'long wait',
      'reason.attitude': 'attitude',
      'reason.unclear': 'unclear guidance',
      'reason.paperwork': 'too much paperwork',
      'reason.other': 'other',
      'err.not_started': 'The current ticket was called but not started: press “Start” or “No-show”.',
      'err.no_current': 'There is no ticket called or being served at this counter.',
      'err.not_recallable': 'This ticket can no longer be recalled (over 15 minutes, or already handled).',
      'err.busy': 'The counter has another ticket: finish the current one first.',
      'err.not_pending': 'There is no rating waiting at this counter any more.',
      'err.tablet_not_paired': 'This tablet is not paired with a counter. Please enter the pairing code.',
      'err.wrong_counter': 'This tablet is paired with another counter.',
      'err.bad_code': 'Wrong pairing code, or it was used already.',
      'err.code_expired': 'This pairing code has expired. Please ask staff for a new one.',
      'err.pairing_throttled': 'Too many wrong codes. Please try again in a few minutes.',
      'err.unauthorized': 'Your session has expired. Please sign in again.',
      'err.forbidden': 'You are not allowed to do this.',
      'err.not_found': 'Not found.',
      'err.network': 'Cannot reach the server. Please check the network and try again.',
      'err.body_timeout': 'The network is too slow: the request did not reach the server in time. Please try again.',
      'err.server': 'The server had a problem. Please try again later.',
      'err.unknown': 'Something went wrong. Please try again.',

      'priority.none': 'No priority',
      'priority.elderly': 'Older person (60+)',
      'priority.disabled': 'Person with a disability',
      'priority.pregnant': 'Pregnant woman',
      'priority.young_child': 'With a child under 6',
      'priority.meritorious': 'Person with meritorious services',
    },
  };

  function storedLang() {
    try {
      return localStorage.getItem(STORAGE_KEY);
    } catch (_) {
      return null; // storage disabled (private mode, kiosk policy)
    }
  }

  // ?lang=en wins over the stored choice, which wins over Vietnamese.
  function initialLang() {
    const q = new URLSearchParams(location.search).get('lang');
    if (LANGS.includes(q)) return q;
    const s = storedLang();
    return LANGS.includes(s) ? s : 'vi';
  }

  let current = initialLang();
  const langListeners = [];

  function lang() {
    return current;
  }

  /** Switch language; `persist: false` keeps it for this page view only. */
  function setLang(l, opts) {
    if (!LANGS.includes(l)) return;
    const persist = !opts || opts.persist !== false;
    current = l;
    if (persist) {
      try {
        localStorage.setItem(STORAGE_KEY, l);
      } catch (_) {
        /* ignore */
      }
      // A ?lang= in the address would win again on reload: drop it.
      const url = new URL(location.href);
      if (url.searchParams.has('lang')) {
        url.searchParams.delete('lang');
        history.replaceState(null, '', url.pathname + url.search + url.hash);
      }
    }
    document.documentElement.lang = l;
    applyI18n(document);
    for (const fn of langListeners) fn(l);
  }

  function onLangChange(fn) {
    langListeners.push(fn);
  }

  function addStrings(dict) {
    for (const l of LANGS) Object.assign(strings[l], dict[l] || {});
  }

  /** Translated text; `{name}` placeholders are filled from `vars`. */
  function t(key, vars) {
    let s = strings[current][key];
    if (s === undefined) s = strings.vi[key];
    if (s === undefined) return key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return s;
  }

  /** `data-i18n="key"` sets textContent; `data-i18n-attr="title:key;aria-label:key2"` sets attributes. */
  function applyI18n(root) {
    for (const e of root.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
    for (const e of root.querySelectorAll('[data-i18n-attr]')) {
      for (const pair of e.dataset.i18nAttr.split(';')) {
        const [attr, key] = pair.split(':').map((x) => x.trim());
        if (attr && key) e.setAttribute(attr, t(key));
      }
    }
  }

  // ---- HTTP ------------------------------------------------------------------

  function httpCode(status) {
    if (status === 401) return 'unauthorized';
    if (status === 403) return 'forbidden';
    if (status === 404) return 'not_found';
    if (status >= 500) return 'server';
    return 'unknown';
  }

  // ---- Sites ------------------------------------------------------------------

  // A page under /s/CODE/ is that site's: every call and link it makes names the site,
  // and the office refuses a credential of another site (403 wrong_site).
  const siteMatch = location.pathname.match(/^\/s\/([A-Za-z0-9-]{1,16})(\/|$)/);
  const site = siteMatch ? siteMatch[1] : null;

  /** An API path with this page's site added (`?site=CODE`), as is without one. */
  function withSite(path) {
    if (!site) return path;
    return path + (path.includes('?') ? '&' : '?') + 'site=' + encodeURIComponent(site);
  }

  /** A page path under this page's site (`/s/CODE/counter`), as is without one. */
  function pagePath(path) {
    return site ? '/s/' + site + path : path;
  }

  // The pages' own links (`/counter`, `/reports`, `/api/v1/reports.csv`) stay in the site;
  // those marked `data-global` (the province roll-up) are the whole office's.
  function siteLinks(root) {
    if (!site) return;
    for (const a of root.querySelectorAll('a[href^="/"]:not([data-global])')) {
      const href = a.getAttribute('href');
      if (href.startsWith('/api/')) a.setAttribute('href', withSite(href));
      else if (!href.startsWith('/s/') && !href.startsWith('/static/')) a.setAttribute('href', pagePath(href));
    }
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', () => siteLinks(document));
  } else {
    siteLinks(document);
  }

  /**
   * JSON request to the office. Resolves to the parsed body (null for 204);
   * rejects with an Error carrying `.code` (the server's machine code, or
   * 'network', 'unauthorized', 'server'…), `.status` (0 for network errors) and
   * `.detail` (the server's English log message, if any).
   */
  async function api(method, path, body) {
    const init = {
      method,
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      cache: 'no-store',
    };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(withSite(path), init);
    } catch (e) {
      const err = new Error(t('err.network'));
      err.code = 'network';
      err.status = 0;
      err.detail = String(e && e.message ? e.message : e);
      throw err;
    }
    const text = await res.text().catch(() => '');
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (_) {
        data = null;
      }
    }
    if (!res.ok) {
      const code = data && typeof data.code === 'string' ? data.code : httpCode(res.status);
      const err = new Error(errorText({ code }));
      err.code = code;
      err.status = res.status;
      err.detail = data && typeof data.error === 'string' ? data.error : '';
      err.body = data;
      throw err;
    }
    return data;
  }

  /**
   * Message for an error in the *current* language (an Error's own message may be stale).
   * A code the pages do not know (the office answers 401 with "login", 500 with
   * "internal") falls back to the message for its HTTP status.
   */
  function errorText(err) {
    const code = err && err.code ? err.code : 'unknown';
    const s = t('err.' + code);
    if (s !== 'err.' + code) return s;
    return t('err.' + (err && err.status ? httpCode(err.status) : 'unknown'));
  }

  // ---- Live updates (Server-Sent Events) -------------------------------------

  /**
   * Subscribe to `/api/v1/stream?view=…`. `onSnapshot(json)` gets every `snapshot`
   * event; `onStatus(state, info)` gets 'connected' or 'reconnecting'
   * (info.closed = true when the browser gave up, e.g. on a 401).
   * EventSource retries network blips by itself; once CLOSED we build a new
   * one after 3 s. Returns {close()}.
   */
  function stream(view, params, onSnapshot, onStatus) {
    const qs = new URLSearchParams({ view });
    if (site) qs.set('site', site);
    for (const [k, v] of Object.entries(params || {})) {
      if (v !== undefined && v !== null) qs.set(k, String(v));
    }
    const url = '/api/v1/stream?' + qs.toString();
    let es = null;
    let timer = null;
    let stopped = false;
    const status = onStatus || function () {};

    function open() {
      timer = null;
      if (stopped) return;
      es = new EventSource(url);
      es.addEventListener('open', () => status('connected', { closed: false }));
      es.addEventListener('snapshot', (ev) => {
        let data;
        try {
          data = JSON.parse(ev.data);
        } catch (e) {
          console.warn('motcua: bad snapshot', e);
          return;
        }
        // A snapshot proves the link works even if 'open' was missed.
        status('connected', { closed: false });
        onSnapshot(data);
      });
      es.addEventListener('error', () => {
        if (stopped) return;
        if (es.readyState === EventSource.CLOSED) {
          es.close();
          status('reconnecting', { closed: true });
          if (!timer) timer = setTimeout(open, 3000);
        } else {
          status('reconnecting', { closed: false });
        }
      });
    }

    open();
    return {
      close() {
        stopped = true;
        if (timer) clearTimeout(timer);
        if (es) es.close();
      },
    };
  }

  // ---- Time ------------------------------------------------------------------

  const pad2 = (n) => String(n).padStart(2, '0');

  /** "HH:MM" in the browser's local time; '' for a missing/invalid time. */
  function hhmm(iso) {
    if (!iso) return '';
    const d = iso instanceof Date ? iso : new Date(iso);
    if (isNaN(d.getTime())) return '';
    return pad2(d.getHours()) + ':' + pad2(d.getMinutes());
  }

  /** Whole minutes from `iso` to now (never negative: clocks may differ a little). */
  function minutesSince(iso, now) {
    const d = new Date(iso);
    if (isNaN(d.getTime())) return null;
    const ms = (now || Date.now()) - d.getTime();
    return Math.max(0, Math.floor(ms / 60000));
  }

  /** "YYYY-MM-DD" of a local date (toISOString would give the UTC date). */
  function localDate(d) {
    return d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate());
  }

  // ---- DOM -------------------------------------------------------------------

  /**
   * Build an element. attrs: {class, text, dataset:{…}, on:{click: fn}, hidden, …attributes}.
   * Children: nodes or strings (strings become text nodes, never HTML).
   */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k === 'dataset') Object.assign(e.dataset, v);
      else if (k === 'on') for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn);
      else if (v === true) e.setAttribute(k, '');
      else e.setAttribute(k, String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  const messageTimers = new WeakMap();

  /** Show `text` in a toast element for a while; kind: 'error' | 'success' | 'info'. */
  function showMessage(elem, text, kind, detail, ms) {
    if (!elem) return;
    clearTimeout(messageTimers.get(elem));
    elem.dataset.kind = kind || 'info';
    elem.replaceChildren(text);
    if (detail) elem.append(el('span', { class: 'detail', text: detail }));
    elem.hidden = false;
    if (!elem.dataset.dismissable) {
      elem.dataset.dismissable = '1';
      elem.addEventListener('click', () => hideMessage(elem));
    }
    messageTimers.set(
      elem,
      setTimeout(() => hideMessage(elem), ms || (kind === 'error' ? 8000 : 4000))
    );
  }

  function hideMessage(elem) {
    if (!elem) return;
    clearTimeout(messageTimers.get(elem));
    elem.hidden = true;
    elem.replaceChildren();
  }

  function priorityName(code) {
    return t('priority.' + code);
  }

  /** Queue name in the current language (English falls back to Vietnamese). */
  function queueName(q) {
    if (!q) return '';
    return (current === 'en' && q.name_en) || q.name_vi || q.name_en || q.queue || q.prefix || '';
  }

  /** Wire a language toggle button (shows the *other* language's name). */
  function langToggle(button, opts) {
    if (!button) return;
    button.addEventListener('click', () => setLang(current === 'vi' ? 'en' : 'vi', opts));
  }

  document.documentElement.lang = current;

  /**
   * A reports-only sign-in form in `box` (no counter, no queues: a lead reads, a province
   * lead can do nothing else); calls `onDone` once the office set the session cookie.
   * `opts.title` heads the form (default: reading the reports); `opts.notLead()`, when given,
   * takes a clerk who is no lead (403 `not_lead`) instead of the form's line: a lead's own
   * page (booking rules, radar) says why in its own words.
   */
  function readingLogin(box, onDone, opts) {
    const { title, notLead } = opts || {};
    const user = el('input', { id: 'read-username', name: 'username', autocomplete: 'username', required: true });
    const pass = el('input', { id: 'read-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    const error = el('p', { id: 'read-error', class: 'error', role: 'alert' });
    const form = el('form', { id: 'read-login', class: 'card reading-login', novalidate: true },
      el('h2', { text: title || t('read.title') }),
      el('div', { class: 'field' }, el('label', { for: 'read-username', text: t('read.username') }), user),
      el('div', { class: 'field' }, el('label', { for: 'read-password', text: t('read.password') }), pass),
      el('button', { type: 'submit', id: 'read-submit', text: t('read.submit') }),
      error);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      try {
        await api('POST', '/api/v1/reports/login', { username: user.value, password: pass.value });
        box.replaceChildren();
        box.hidden = true;
        onDone();
      } catch (err) {
        if (notLead && err.status === 403 && err.code === 'not_lead') notLead();
        else error.textContent = errorText(err);
      }
    });
    box.replaceChildren(form);
    box.hidden = false;
    user.focus();
  }

  /**
   * The sign-in and the refusals of a lead's own page (booking rules, radar, alerts,
   * scorecard), shown in its `#read` and `#auth`: `opts.content` is what the page shows
   * once signed in, `opts.title` the key of the form's heading, `opts.signedIn` runs after
   * a sign-in and `opts.refused` (if any) after a refusal, in the page's `auth.lead` words.
   * `failed(err)` answers a failed call: 401 asks to sign in, 403 (not `wrong_site`) says
   * only a lead may, anything else is said in `#auth`; true when the page is now signed
   * out or refused.
   */
  function leadPage(opts) {
    const auth = document.getElementById('auth');
    const read = document.getElementById('read');
    function refuse() {
      opts.content.hidden = true;
      read.hidden = true;
      auth.dataset.kind = 'lead';
      auth.textContent = t('auth.lead');
      auth.hidden = false;
      if (opts.refused) opts.refused();
    }
    function signIn() {
      readingLogin(read, opts.signedIn, { title: t(opts.title), notLead: refuse });
    }
    function failed(err) {
      if (err.status === 401) { signIn(); return true; }
      if (err.status === 403 && err.code !== 'wrong_site') { refuse(); return true; }
      auth.dataset.kind = 'error';
      auth.textContent = errorText(err);
      auth.hidden = false;
      return false;
    }
    onLangChange(() => {
      if (auth.dataset.kind === 'lead') auth.textContent = t('auth.lead');
      const title = document.querySelector('#read-login h2');
      if (title) title.textContent = t(opts.title);
    });
    return { signIn, refuse, failed };
  }

  // ---- Charts drawn by the office --------------------------------------------

  // They go inline, not in <img>, so screen readers get each one's title and summary; they
  // carry presentation attributes only (no style, no script), which the pages' CSP allows.
  const SVG_NS = 'http://www.w3.org/2000/svg';
  let chartsAsked = '';  // the charts last asked for: an older answer is dropped

  /**
   * Fills every `.chart[data-chart]` box of the page with the office's drawing at
   * `base + NAME + '.svg'`, asked with `params` and the page's language.
   */
  function drawCharts(base, params) {
    const query = new URLSearchParams({ ...params, lang: current }).toString();
    const asked = base + '?' + query;
    chartsAsked = asked;
    for (const box of document.querySelectorAll('.chart[data-chart]')) {
      box.setAttribute('aria-busy', 'true');
      drawChart(box, withSite(base + box.dataset.chart + '.svg?' + query), asked);
    }
  }

  async function drawChart(box, url, asked) {
    const current = () => chartsAsked === asked;
    try {
      const res = await fetch(url);
      if (!res.ok) throw new Error('HTTP ' + res.status);
      const doc = new DOMParser().parseFromString(await res.text(), 'image/svg+xml');
      const svg = doc.documentElement;
      const broken = doc.getElementsByTagName('parsererror').length > 0;
      if (broken || svg.namespaceURI !== SVG_NS || svg.localName !== 'svg') throw new Error('not an SVG');
      if (!current()) return;
      box.replaceChildren(document.importNode(svg, true));
      box.dataset.state = 'shown';
    } catch (_) {
      if (!current()) return;
      box.replaceChildren(el('p', { class: 'muted', text: t('chart.failed') }));
      box.dataset.state = 'failed';
    } finally {
      if (current()) box.removeAttribute('aria-busy');
    }
  }

  // ---- Alerts (docs/alerts.md) ----------------------------------------------

  /** A condition alert ({kind, queue, counter, value, threshold}) as a sentence. */
  function alertText(a) {
    return t('alert.' + a.kind, { queue: a.queue || '', counter: a.counter || '', value: a.value, threshold: a.threshold });
  }

  /** A rating alert ({label, counter, reasons}) as a sentence, with its reasons if any. */
  function ratingAlertText(r) {
    const text = t('alert.rating', { label: r.label, counter: r.counter });
    const reasons = (r.reasons || []).map((x) => t('reason.' + x)).join(', ');
    return reasons ? text + '. ' + t('alert.reasons', { list: reasons }) : text;
  }

  const Motcua = {
    alertText,
    ratingAlertText,
    readingLogin,
    leadPage,
    drawCharts,
    t,
    addStrings,
    lang,
    setLang,
    onLangChange,
    applyI18n,
    api,
    errorText,
    stream,
    hhmm,
    minutesSince,
    localDate,
    pad2,
    el,
    showMessage,
    hideMessage,
    priorityName,
    queueName,
    langToggle,
    site,
    withSite,
    pagePath,
  };
  window.Motcua = Motcua;
  window.t = t;
  window.api = api;
  window.stream = stream;
})();
