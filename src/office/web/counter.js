/* motcua: the clerk's console: login, the counter's view and actions, live updates (served at /static/counter.js, after motcua.js). */
'use strict';
(function () {
  const M = window.Motcua;
  const { t, el, api } = M;

  M.addStrings({
    vi: {
      'page.title': 'Quầy một cửa',
      'loading': 'Đang tải…',
      'alerts.title': 'Cảnh báo',
      'logout': 'Đăng xuất',
      'reports.link': 'Báo cáo',
      'login.title': 'Đăng nhập quầy',
      'login.username': 'Tên đăng nhập',
      'login.password': 'Mật khẩu',
      'login.counter': 'Số quầy (1–99)',
      'login.queues': 'Các hàng phục vụ',
      'login.submit': 'Đăng nhập',
      'login.need_fields': 'Vui lòng nhập tên đăng nhập và mật khẩu.',
      'login.bad_counter': 'Số quầy phải từ 1 đến 99.',
      'login.no_queue': 'Hãy chọn ít nhất một hàng.',
      'login.no_options': 'Chưa có hàng nào được cấu hình trên máy chủ.',
      'login.options_failed': 'Không tải được danh sách hàng.',
      'retry': 'Thử lại',
      'state.open': 'Đang nhận số',
      'state.paused': 'Tạm dừng',
      'paused.banner': 'Quầy đang tạm dừng: không gọi số mới. Bấm “Tiếp tục” (P) để nhận số.',
      'current.caption': 'Số hiện tại',
      'current.none': 'Chưa gọi số nào',
      'current.called': 'Đang gọi',
      'current.serving': 'Đang phục vụ',
      'current.queue': 'Hàng',
      'current.waited': 'Đã chờ',
      'current.minutes': '{n} phút',
      'current.calls': 'Số lần gọi',
      'current.called_at': 'Gọi lúc',
      'current.started_at': 'Bắt đầu',
      'btn.next': 'Gọi tiếp',
      'btn.recall': 'Gọi lại',
      'btn.noshow': 'Vắng mặt',
      'btn.start': 'Bắt đầu',
      'btn.finish': 'Xong',
      'btn.transfer': 'Chuyển',
      'btn.pause': 'Tạm dừng',
      'btn.resume': 'Tiếp tục',
      'waiting.title': 'Đang chờ',
      'waiting.total': '{n} người ở hàng của quầy',
      'waiting.priority': '{n} ưu tiên',
      'waiting.none': 'Chưa có hàng nào.',
      'waiting.legend': 'Nền xanh: hàng quầy này phục vụ.',
      'noshows.title': 'Vắng mặt (gọi lại được trong 15 phút)',
      'noshows.none': 'Không có số vắng mặt.',
      'bookings.title': 'Lịch hẹn hôm nay',
      'booking.booked': 'Chưa đến', 'booking.checked_in': 'Đã lấy số', 'booking.cancelled': 'Đã hủy', 'booking.missed': 'Lỡ hẹn',
      'noshows.at': 'vắng lúc {time}',
      'noshows.recall': 'Gọi lại',
      'noshows.recall_aria': 'Gọi lại số {label}',
      'recent.title': 'Các lượt gọi gần đây',
      'recent.none': 'Chưa có lượt gọi nào.',
      'recent.to': '→ Quầy {n}',
      'action.call': '',
      'action.recall': '(gọi lại)',
      'transfer.title': 'Chuyển số',
      'transfer.help': 'Số được chờ lại ở hàng hoặc quầy khác, giữ nguyên giờ lấy số.',
      'transfer.queue': 'Sang hàng',
      'transfer.counter': 'Cho quầy',
      'transfer.keep_queue': 'Giữ hàng hiện tại ({q})',
      'transfer.any_counter': 'Bất kỳ quầy nào',
      'transfer.paused': 'tạm dừng',
      'transfer.choose': 'Hãy chọn hàng hoặc quầy để chuyển.',
      'transfer.submit': 'Chuyển',
      'transfer.done': 'Đã chuyển số {label}.',
      'cancel': 'Hủy',
      'done.logout': 'Đã đăng xuất.',
      'dossier.title': 'Hồ sơ của lượt này',
      'dossier.code': 'Mã hồ sơ',
      'dossier.save': 'Lưu mã',
      'dossier.assisted': 'Hỗ trợ nộp trực tuyến',
      'dossier.help': 'Gõ hoặc quét mã trên giấy tiếp nhận (máy quét tự nhấn Enter).',
      'dossier.linked': 'Hồ sơ {code}',
      'dossier.linked_assisted': 'Hồ sơ {code} · hỗ trợ nộp trực tuyến',
      'dossier.saved': 'Đã lưu mã hồ sơ {code} cho số {label}.',
      'dossier.empty': 'Hãy gõ hoặc quét mã hồ sơ.',
      'err.bad_dossier_code': 'Mã hồ sơ không đúng định dạng (ví dụ H15.50.05.13-261008-0975). Kiểm tra lại: đây có thể là mã thủ tục.',
      'err.unknown_ticket': 'Không tìm thấy số này ở đơn vị của bạn.',
      'err.not_at_counter': 'Chỉ gắn được hồ sơ cho số đang gọi, đang phục vụ hoặc vừa xong ở quầy này hôm nay.',
      'err.foreign_dossier': 'Hồ sơ này thuộc đơn vị khác.',
    },
    en: {
      'page.title': 'One-stop counter',
      'loading': 'Loading…',
      'alerts.title': 'Alerts',
      'logout': 'Sign out',
      'reports.link': 'Reports',
      'login.title': 'Counter sign-in',
      'login.username': 'Username',
      'login.password': 'Password',
      'login.counter': 'Counter number (1–99)',
      'login.queues': 'Queues served',
      'login.submit': 'Sign in',
      'login.need_fields': 'Please enter your username and password.',
      'login.bad_counter': 'The counter number must be between 1 and 99.',
      'login.no_queue': 'Choose at least one queue.',
      'login.no_options': 'No queues are configured on the server yet.',
      'login.options_failed': 'Could not load the list of queues.',
      'retry': 'Retry',
      'state.open': 'Open',
      'state.paused': 'Paused',
      'paused.banner': 'The counter is paused: no new calls. Press “Resume” (P) to take tickets.',
      'current.caption': 'Current ticket',
      'current.none': 'No ticket called',
      'current.called': 'Calling',
      'current.serving': 'Serving',
      'current.queue': 'Queue',
      'current.waited': 'Waited',
      'current.minutes': '{n} min',
      'current.calls': 'Calls',
      'current.called_at': 'Called at',
      'current.started_at': 'Started',
      'btn.next': 'Call next',
      'btn.recall': 'Recall',
      'btn.noshow': 'No-show',
      'btn.start': 'Start',
      'btn.finish': 'Finish',
      'btn.transfer': 'Transfer',
      'btn.pause': 'Pause',
      'btn.resume': 'Resume',
      'waiting.title': 'Waiting',
      'waiting.total': '{n} in this counter’s queues',
      'waiting.priority': '{n} priority',
      'waiting.none': 'No queues yet.',
      'waiting.legend': 'Blue rows: queues this counter serves.',
      'noshows.title': 'No-shows (recallable for 15 minutes)',
      'noshows.none': 'No no-shows.',
      'bookings.title': 'Today\'s bookings',
      'booking.booked': 'Not here yet', 'booking.checked_in': 'Took a number', 'booking.cancelled': 'Cancelled', 'booking.missed': 'Missed',
      'noshows.at': 'missed at {time}',
      'noshows.recall': 'Recall',
      'noshows.recall_aria': 'Recall ticket {label}',
      'recent.title': 'Recent calls',
      'recent.none': 'No calls yet.',
      'recent.to': '→ Counter {n}',
      'action.call': '',
      'action.recall': '(recall)',
      'transfer.title': 'Transfer ticket',
      'transfer.help': 'The ticket waits again in another queue or for another counter, keeping its issue time.',
      'transfer.queue': 'To queue',
      'transfer.counter': 'For counter',
      'transfer.keep_queue': 'Keep the current queue ({q})',
      'transfer.any_counter': 'Any counter',
      'transfer.paused': 'paused',
      'transfer.choose': 'Choose a queue or a counter.',
      'transfer.submit': 'Transfer',
      'transfer.done': 'Ticket {label} transferred.',
      'cancel': 'Cancel',
      'done.logout': 'Signed out.',
      'dossier.title': 'Dossier of this visit',
      'dossier.code': 'Dossier code',
      'dossier.save': 'Save code',
      'dossier.assisted': 'Assisted online filing',
      'dossier.help': 'Type or scan the code on the receipt (a scanner presses Enter itself).',
      'dossier.linked': 'Dossier {code}',
      'dossier.linked_assisted': 'Dossier {code} · assisted online filing',
      'dossier.saved': 'Dossier code {code} saved for ticket {label}.',
      'dossier.empty': 'Type or scan a dossier code.',
      'err.bad_dossier_code': 'Not a dossier code (one looks like H15.50.05.13-261008-0975). Check it: this may be a procedure code.',
      'err.unknown_ticket': 'Your site has no such ticket.',
      'err.not_at_counter': 'Only a ticket called, served or just finished at this counter today can be linked.',
      'err.foreign_dossier': 'This dossier belongs to another site.',
    },
  });

  const $ = (id) => document.getElementById(id);
  const LAST_KEY = 'motcua.counter.last'; // last counter + queues on this PC, to prefill the form

  let snap = null;       // the console snapshot shown
  let options = null;    // GET /api/v1/clerk/options answer
  let live = null;       // the stream handle
  let busy = false;      // one action at a time: a double press must not call two tickets
  let mode = 'loading';  // 'loading' | 'login' | 'console'
  let acceptNext = false; // take the next stream snapshot even if its version is lower

  // ---------------------------------------------------------------- start-up

  async function boot() {
    M.applyI18n(document);
    try {
      const s = await api('GET', '/api/v1/counter');
      showConsole(s);
    } catch (err) {
      if (err.status === 401) {
        showLogin();
      } else {
        // Office down or restarting: say so and try again shortly.
        M.showMessage($('message'), M.errorText(err), 'error');
        setTimeout(boot, 5000);
      }
    }
  }

  // ---------------------------------------------------------------- login

  async function showLogin(reason) {
    mode = 'login';
    stopStream();
    snap = null;
    $('loading').hidden = true;
    $('console').hidden = true;
    $('who').hidden = true;
    $('conn').hidden = true;
    $('btn-logout').hidden = true;
    $('hdr-reports').hidden = true;
    document.title = t('login.title') + ' — ' + t('app.name');
    if ($('transfer-dialog').open) $('transfer-dialog').close();
    $('login').hidden = false;
    setLoginError(reason ? M.errorText(reason) : '');
    prefillLogin();
    await loadOptions();
    ($('login-username').value ? $('login-password') : $('login-username')).focus();
  }

  function readLast() {
    try {
      return JSON.parse(localStorage.getItem(LAST_KEY) || 'null');
    } catch (_) {
      return null;
    }
  }

  function prefillLogin() {
    const last = readLast();
    if (last && last.counter && !$('login-counter').value) $('login-counter').value = last.counter;
    $('login-password').value = '';
  }

  async function loadOptions() {
    const box = $('login-queues');
    try {
      options = await api('GET', '/api/v1/clerk/options');
      renderQueueChoices();
    } catch (err) {
      options = null;
      box.replaceChildren(
        el('p', { class: 'muted', text: t('login.options_failed') + ' ' + M.errorText(err) }),
        el('button', { type: 'button', class: 'secondary', text: t('retry'), on: { click: loadOptions } })
      );
    }
  }

  function renderQueueChoices() {
    const box = $('login-queues');
    if (!options) return;
    // Keep what the clerk ticked across a language switch; else the last choice on this PC.
    const ticked = new Set([...box.querySelectorAll('input[name=queue]:checked')].map((i) => i.value));
    const last = readLast();
    const pre = ticked.size ? ticked : new Set((last && last.queues) || []);
    const queues = options.queues || [];
    if (!queues.length) {
      box.replaceChildren(el('p', { class: 'muted', text: t('login.no_options') }));
      return;
    }
    box.replaceChildren(
      ...queues.map((q) =>
        el('label', {},
          el('input', { type: 'checkbox', name: 'queue', value: q.prefix, checked: pre.has(q.prefix) }),
          el('span', { class: 'prefix', text: q.prefix }),
          el('span', { text: M.queueName(q) }))
      )
    );
  }

  function setLoginError(text) {
    const b = $('login-error');
    b.textContent = text;
    b.hidden = !text;
  }

  $('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    const username = $('login-username').value.trim();
    const password = $('login-password').value;
    const counter = Number($('login-counter').value);
    const queues = [...document.querySelectorAll('#login-queues input[name=queue]:checked')].map((i) => i.value);
    if (!username || !password) return setLoginError(t('login.need_fields'));
    if (!Number.isInteger(counter) || counter < 1 || counter > 99) return setLoginError(t('login.bad_counter'));
    if (!queues.length) return setLoginError(t('login.no_queue'));
    setLoginError('');
    busy = true;
    $('login-submit').disabled = true;
    try {
      const s = await api('POST', '/api/v1/clerk/login', { username, password, counter, queues });
      try {
        localStorage.setItem(LAST_KEY, JSON.stringify({ counter, queues }));
      } catch (_) { /* ignore */ }
      $('login-password').value = '';
      busy = false;
      showConsole(s);
    } catch (err) {
      // counter_taken: the server's message names the clerk holding the counter.
      let text = M.errorText(err);
      if (err.code === 'counter_taken' && err.detail) text += ' (' + err.detail + ')';
      setLoginError(text);
      if (err.code === 'bad_login') $('login-password').select();
    } finally {
      busy = false;
      $('login-submit').disabled = false;
    }
  });

  // ---------------------------------------------------------------- console

  function showConsole(s) {
    mode = 'console';
    $('loading').hidden = true;
    $('login').hidden = true;
    $('console').hidden = false;
    $('who').hidden = false;
    $('conn').hidden = false;
    $('btn-logout').hidden = false;
    snap = null;
    applySnapshot(s);
    startStream();
  }

  function startStream() {
    stopStream();
    setConn('reconnecting');
    live = M.stream('counter', {}, (s) => {
      applySnapshot(s, acceptNext);
      acceptNext = false;
    }, (state, info) => {
      // The first snapshot of a new connection is the office's state now, whatever its version.
      if (state === 'connected' && $('conn').dataset.state !== 'connected') acceptNext = true;
      setConn(state);
      // The browser gave up (401 when the session ended elsewhere, or the office is down):
      // ask once whether we are still signed in.
      if (info && info.closed) checkSession();
    });
  }

  function stopStream() {
    if (live) live.close();
    live = null;
  }

  async function checkSession() {
    try {
      applySnapshot(await api('GET', '/api/v1/counter'));
    } catch (err) {
      if (err.status === 401 && mode === 'console') showLogin(err);
    }
  }

  function setConn(state) {
    const c = $('conn');
    c.dataset.state = state;
    c.textContent = state === 'connected' ? t('conn.connected') : t('conn.reconnecting');
  }

  /**
   * Replace the shown snapshot, unless an older one arrives late: an action's answer
   * and the stream's events race, and versions only rise.
   */
  function applySnapshot(s, force) {
    if (!s || mode !== 'console') return;
    if (!force && snap && typeof s.version === 'number' && typeof snap.version === 'number' && s.version < snap.version) return;
    snap = s;
    render();
  }

  function queueInfo(prefix) {
    return (snap && (snap.waiting || []).find((w) => w.queue === prefix)) ||
      (options && (options.queues || []).find((q) => q.prefix === prefix)) || null;
  }

  function render() {
    if (!snap) return;
    const cur = snap.current;

    // Header
    $('hdr-counter').textContent = t('counter.n', { n: snap.counter });
    $('hdr-clerk').textContent = (snap.clerk && snap.clerk.name) || '';
    const pb = $('hdr-pause');
    pb.textContent = snap.paused ? t('state.paused') : t('state.open');
    pb.classList.toggle('paused', !!snap.paused);
    $('paused-banner').hidden = !snap.paused;
    $('hdr-reports').hidden = !(snap.clerk && snap.clerk.lead);
    document.title = (cur ? cur.label + ' · ' : '') + t('counter.n', { n: snap.counter }) + ' — ' + t('app.name');

    renderAlerts();
    renderCurrent(cur);
    renderDossier(cur);
    renderButtons();
    renderWaiting();
    renderNoShows();
    renderBookings();
    renderRecent();
    if ($('transfer-dialog').open) {
      if (!cur) $('transfer-dialog').close(); // the ticket went away (e.g. another tab finished it)
      else fillTransferChoices(true);
    }
  }

  /** The site's alerts for this console (docs/alerts.md): conditions first, then ratings. */
  function renderAlerts() {
    const a = snap.alerts || { active: [], ratings: [] };
    const rows = (a.active || []).map((x) => el('li', { class: 'alert ' + x.kind, dataset: { key: x.key }, text: M.alertText(x) }))
      .concat((a.ratings || []).map((r) => el('li', { class: 'alert rating', dataset: { key: 'rating:' + r.id }, text: M.ratingAlertText(r) })));
    $('alert-list').replaceChildren(...rows);
    $('alerts').hidden = !rows.length;
  }

  function renderCurrent(cur) {
    const box = $('current');
    box.classList.toggle('empty', !cur);
    box.classList.toggle('called', !!cur && cur.state === 'called');
    box.classList.toggle('serving', !!cur && cur.state === 'serving');
    $('current-label').textContent = cur ? cur.label : '—';
    $('current-state').textContent = !cur ? t('current.none')
      : cur.state === 'serving' ? t('current.serving') : t('current.called');
    const pr = $('current-priority');
    const hasPrio = !!cur && cur.priority && cur.priority !== 'none';
    pr.hidden = !hasPrio;
    pr.textContent = hasPrio ? M.priorityName(cur.priority) : '';

    const meta = $('current-meta');
    if (!cur) return meta.replaceChildren();
    const item = (k, v) => el('span', {}, t(k) + ': ', el('strong', { text: v }));
    const q = queueInfo(cur.queue);
    const items = [item('current.queue', cur.queue + (q ? ' · ' + M.queueName(q) : ''))];
    const waited = M.minutesSince(cur.issued_at);
    if (waited !== null) items.push(item('current.waited', t('current.minutes', { n: waited })));
    items.push(item('current.calls', String(cur.calls || 0)));
    if (cur.state === 'serving' && cur.started_at) items.push(item('current.started_at', M.hhmm(cur.started_at)));
    else if (cur.called_at) items.push(item('current.called_at', M.hhmm(cur.called_at)));
    meta.replaceChildren(...items);
  }

  // ---------------------------------------------------------------- dossier link

  let dossierTicket = null; // the ticket the code box is for: a new one clears the box

  function renderDossier(cur) {
    const form = $('dossier-form');
    // Shown while serving (the citizen is at the counter with the receipt): a called
    // ticket's console keeps its 1366×768 fit.
    form.hidden = !cur || cur.state !== 'serving';
    if (!cur) { dossierTicket = null; return; }
    if (cur.id !== dossierTicket) {
      dossierTicket = cur.id;
      $('dossier-code').value = '';
      $('dossier-error').textContent = '';
      $('dossier-assisted').checked = !!(cur.dossier && cur.dossier.assisted_online);
    }
    const linked = $('dossier-linked');
    linked.hidden = !cur.dossier;
    linked.textContent = cur.dossier
      ? t(cur.dossier.assisted_online ? 'dossier.linked_assisted' : 'dossier.linked', { code: cur.dossier.code })
      : '';
  }

  $('dossier-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const cur = snap && snap.current;
    const input = $('dossier-code');
    const code = input.value.trim();
    if (!cur) return;
    if (!code) { $('dossier-error').textContent = t('dossier.empty'); return input.focus(); }
    $('dossier-save').disabled = true;
    try {
      const s = await api('POST', '/api/v1/counter/dossier',
        { ticket_id: cur.id, code, assisted_online: $('dossier-assisted').checked });
      $('dossier-error').textContent = '';
      input.value = '';
      input.blur(); // the shortcuts (N, Enter: next) work again at once
      applySnapshot(s, true);
      const linked = s.current && s.current.dossier;
      M.showMessage($('message'), t('dossier.saved', { code: linked ? linked.code : code, label: cur.label }), 'success');
    } catch (err) {
      if (err.status === 401) return showLogin(err);
      // The typed code stays in the box: nothing is lost, the clerk corrects it.
      $('dossier-error').textContent = M.errorText(err);
      input.focus();
      input.select();
    } finally {
      $('dossier-save').disabled = false;
    }
  });

  function renderButtons() {
    const cur = snap && snap.current;
    const called = !!cur && cur.state === 'called';
    const serving = !!cur && cur.state === 'serving';
    const enabled = {
      'btn-next': !snap.paused,
      'btn-recall': called,
      'btn-noshow': called,
      'btn-start': called,
      'btn-finish': called || serving,
      'btn-transfer': !!cur,
      'btn-pause': true,
    };
    for (const [id, on] of Object.entries(enabled)) $(id).disabled = busy || !on;
    $('actions').classList.toggle('busy', busy);
    const pt = $('btn-pause-text');
    pt.dataset.i18n = snap.paused ? 'btn.resume' : 'btn.pause';
    pt.textContent = t(pt.dataset.i18n);
  }

  function renderWaiting() {
    const list = $('waiting');
    const rows = snap.waiting || [];
    let total = 0;
    list.replaceChildren(
      ...rows.map((w) => {
        if (w.served) total += w.waiting || 0;
        return el('li', { class: w.served ? 'served' : '', dataset: { queue: w.queue } },
          el('span', { class: 'prefix', text: w.queue }),
          el('span', { class: 'name' },
            M.queueName(w), ' ',
            w.priority ? el('span', { class: 'badge prio', text: t('waiting.priority', { n: w.priority }) }) : null),
          el('span', { class: 'count', text: String(w.waiting || 0) }));
      })
    );
    if (!rows.length) list.append(el('li', { class: 'empty-row', text: t('waiting.none') }));
    $('waiting-total').textContent = t('waiting.total', { n: total });
  }

  function renderNoShows() {
    const list = $('no-shows');
    const rows = snap.no_shows || [];
    list.replaceChildren(
      ...rows.map((n) =>
        el('li', {},
          el('span', { class: 'label', text: n.label }),
          el('span', { class: 'when', text: t('noshows.at', { time: M.hhmm(n.no_show_at) }) }),
          el('button', {
            type: 'button', class: 'secondary', dataset: { ticket: n.id },
            'aria-label': t('noshows.recall_aria', { label: n.label }),
            disabled: busy,
            text: t('noshows.recall'),
            on: { click: () => act('recall-no-show', { ticket_id: n.id }) },
          }))
      )
    );
    if (!rows.length) list.append(el('li', { class: 'empty-row', text: t('noshows.none') }));
  }

  function renderBookings() {
    const list = $('bookings');
    const rows = snap.bookings || [];
    list.replaceChildren(
      ...rows.map((b) =>
        el('li', { class: 'booking-' + b.state },
          el('span', { class: 'label', text: b.time }),
          el('span', { class: 'when', text: b.code + (b.ticket ? ' → ' + b.ticket : '') }),
          el('span', { class: 'badge', text: t('booking.' + b.state) })))
    );
    // An office that takes no bookings today shows no empty list.
    $('bookings-card').hidden = !rows.length;
  }

  function renderRecent() {
    const list = $('recent');
    // The office lists every action (start, finish, no_show, transfer too); this list is
    // of calls, where "→ Counter N" means "go to counter N".
    const rows = (snap.recent || []).filter((r) => r.action === 'call' || r.action === 'recall');
    list.replaceChildren(
      ...rows.map((r) => {
        // Only known actions get a word ("(gọi lại)"); a plain call needs none.
        const key = 'action.' + r.action;
        const word = r.action && t(key) !== key ? t(key) : '';
        return el('li', { class: r.counter === snap.counter ? 'mine' : '' },
          el('span', { class: 'time', text: M.hhmm(r.at) }),
          el('span', { class: 'label', text: r.label }),
          el('span', { class: 'where' }, t('recent.to', { n: r.counter }), word ? ' ' + word : ''));
      })
    );
    if (!rows.length) list.append(el('li', { class: 'empty-row', text: t('recent.none') }));
  }

  // ---------------------------------------------------------------- actions

  async function act(action, body) {
    if (busy || !snap) return;
    if (action === 'transfer') return openTransfer();
    if (action === 'pause' && snap.paused) action = 'resume';
    busy = true;
    renderButtons();
    renderNoShows();
    renderBookings();
    try {
      const s = await api('POST', '/api/v1/counter/' + action, body);
      busy = false;
      applySnapshot(s);
    } catch (err) {
      busy = false;
      if (err.status === 401) return showLogin(err);
      M.showMessage($('message'), M.errorText(err), 'error');
      if (snap) render();
    }
  }

  for (const b of document.querySelectorAll('#actions button[data-action]')) {
    b.addEventListener('click', (ev) => {
      // After a mouse click, drop the focus: otherwise Enter (= next) would press
      // this button again. Keyboard activation (detail 0) keeps it.
      if (ev.detail > 0) b.blur();
      act(b.dataset.action);
    });
  }

  $('btn-logout').addEventListener('click', async () => {
    if (busy) return;
    busy = true;
    try {
      await api('POST', '/api/v1/clerk/logout');
    } catch (err) {
      // A 401 means the session was gone already: signed out either way.
      if (err.status !== 401) {
        busy = false;
        return M.showMessage($('message'), M.errorText(err), 'error');
      }
    }
    busy = false;
    await showLogin();
    M.showMessage($('message'), t('done.logout'), 'success');
  });

  // ---------------------------------------------------------------- transfer

  const dialog = $('transfer-dialog');

  function openTransfer() {
    if (!snap || !snap.current || dialog.open) return;
    $('transfer-error').textContent = '';
    $('transfer-ticket').textContent = snap.current.label;
    fillTransferChoices(false);
    dialog.showModal();
    $('transfer-queue').focus();
  }

  /** Fill the two selects; `keep` keeps the chosen values when a new snapshot arrives. */
  function fillTransferChoices(keep) {
    const qs = $('transfer-queue');
    const cs = $('transfer-counter');
    const qv = keep ? qs.value : '';
    const cv = keep ? cs.value : '';
    const cur = snap.current;
    qs.replaceChildren(
      el('option', { value: '', text: t('transfer.keep_queue', { q: cur.queue }) }),
      ...(snap.waiting || [])
        .filter((w) => w.queue !== cur.queue)
        .map((w) => el('option', { value: w.queue, text: w.queue + ' — ' + M.queueName(w) }))
    );
    cs.replaceChildren(
      el('option', { value: '', text: t('transfer.any_counter') }),
      ...(snap.counters || [])
        .filter((c) => c.counter !== snap.counter)
        .map((c) => el('option', {
          value: String(c.counter),
          text: t('counter.n', { n: c.counter }) + (c.clerk ? ' — ' + c.clerk : '') +
            (c.paused ? ' (' + t('transfer.paused') + ')' : ''),
        }))
    );
    if ([...qs.options].some((o) => o.value === qv)) qs.value = qv;
    if ([...cs.options].some((o) => o.value === cv)) cs.value = cv;
  }

  $('transfer-cancel').addEventListener('click', () => dialog.close());

  $('transfer-form').addEventListener('submit', async (ev) => {
    ev.preventDefault(); // keep the dialog open until the office answers
    if (busy || !snap || !snap.current) return;
    const body = {};
    if ($('transfer-queue').value) body.queue = $('transfer-queue').value;
    if ($('transfer-counter').value) body.counter = Number($('transfer-counter').value);
    if (!body.queue && !body.counter) {
      $('transfer-error').textContent = t('transfer.choose');
      return;
    }
    const label = snap.current.label;
    busy = true;
    $('transfer-submit').disabled = true;
    try {
      const s = await api('POST', '/api/v1/counter/transfer', body);
      busy = false;
      dialog.close();
      applySnapshot(s);
      M.showMessage($('message'), t('transfer.done', { label }), 'success');
    } catch (err) {
      busy = false;
      if (err.status === 401) return showLogin(err);
      $('transfer-error').textContent = M.errorText(err);
    } finally {
      busy = false;
      $('transfer-submit').disabled = false;
      if (snap) renderButtons();
    }
  });

  // ---------------------------------------------------------------- keyboard

  const KEYS = { n: 'next', r: 'recall', v: 'no-show', s: 'start', f: 'finish', t: 'transfer', p: 'pause' };
  const BUTTON_OF = { next: 'btn-next', recall: 'btn-recall', 'no-show': 'btn-noshow', start: 'btn-start',
    finish: 'btn-finish', transfer: 'btn-transfer', pause: 'btn-pause' };

  document.addEventListener('keydown', (ev) => {
    if (mode !== 'console' || dialog.open) return; // the dialog handles Escape itself
    if (ev.ctrlKey || ev.altKey || ev.metaKey || ev.repeat || ev.isComposing) return;
    const target = ev.target;
    if (target && target.closest && target.closest('input, select, textarea, [contenteditable]')) return;
    let action;
    if (ev.key === 'Enter') {
      // Enter on a focused button or link already activates it: do not also call next.
      if (target && target.closest && target.closest('button, a, summary')) return;
      action = 'next';
    } else {
      action = KEYS[(ev.key || '').toLowerCase()];
    }
    if (!action) return;
    ev.preventDefault();
    const btn = $(BUTTON_OF[action]);
    if (btn && !btn.disabled) act(action);
  });

  // ---------------------------------------------------------------- misc

  M.langToggle($('btn-lang'));
  M.onLangChange(() => {
    M.hideMessage($('message')); // it was written in the other language
    if (mode === 'login') {
      renderQueueChoices();
      document.title = t('login.title') + ' — ' + t('app.name');
    }
    if (mode === 'console') {
      setConn($('conn').dataset.state);
      render();
    }
  });

  // Waited minutes move on even without a snapshot.
  setInterval(() => { if (mode === 'console' && snap) renderCurrent(snap.current); }, 20000);

  boot();
})();
