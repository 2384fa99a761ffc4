/* motcua: the lead's live alerts (docs/alerts.md): the alerts active now, the unsatisfied
   ratings to acknowledge with a note, the follow-ups due within two working days, and the
   thresholds (served at /static/alerts.js, after motcua.js). The office computes every
   alert (GET /api/v1/alerts, read again every 5 s); this page only shows them. */
'use strict';
(function () {
  const M = window.Motcua;
  const { t, el } = M;

  M.addStrings({
    vi: {
      'page.title': 'Cảnh báo',
      'nav.reports': 'Báo cáo',
      'read.title.alerts': 'Đăng nhập để xem cảnh báo',
      'auth.lead': 'Chỉ cán bộ phụ trách (tài khoản trưởng bộ phận) mới xem được cảnh báo. Tài khoản này không có quyền đó.',
      'loading': 'Đang tải…',
      'active.title': 'Đang cảnh báo',
      'active.none': 'Không có cảnh báo nào lúc này.',
      'ratings.title': 'Đánh giá không hài lòng chưa xác nhận',
      'ratings.none': 'Không có đánh giá nào cần xác nhận.',
      'followups.title': 'Cần liên hệ lại (hạn 2 ngày làm việc)',
      'followups.none': 'Không có đánh giá nào cần liên hệ lại.',
      'raised': 'Lúc {time} ngày {date}',
      'due': 'Hạn liên hệ lại: {when}',
      'overdue': 'Quá hạn',
      'acked': 'Đã xác nhận: {note}',
      'note': 'Ghi chú',
      'note.ack': 'Ghi chú xác nhận cho số {label}',
      'note.follow': 'Ghi chú liên hệ lại cho số {label}',
      'ack': 'Xác nhận',
      'follow': 'Đã liên hệ lại',
      'done.ack': 'Đã xác nhận cảnh báo.',
      'done.follow': 'Đã ghi nhận việc liên hệ lại.',
      'rules.title': 'Ngưỡng cảnh báo',
      'rules.note': 'Để trống một ô: dùng ngưỡng mặc định của đơn vị (hoặc của hệ thống: chờ 30 phút, 15 người chờ, tạm dừng 20 phút, không gọi số 10 phút).',
      'rules.queue': 'Hàng đợi',
      'rules.default': 'Mặc định',
      'rules.wait_minutes': 'Chờ lâu nhất (phút)',
      'rules.waiting': 'Số người chờ',
      'rules.paused_minutes': 'Tạm dừng (phút)',
      'rules.idle_minutes': 'Không gọi số (phút)',
      'rules.add': 'Thêm hàng đợi',
      'rules.save': 'Lưu ngưỡng',
      'rules.saved': 'Đã lưu ngưỡng cảnh báo.',
      'note.definitions': 'Định nghĩa từng cảnh báo và chỉ số: docs/alerts.md. Cảnh báo tự hết khi tình trạng kết thúc.',
    },
    en: {
      'page.title': 'Alerts',
      'nav.reports': 'Reports',
      'read.title.alerts': 'Sign in to see the alerts',
      'auth.lead': 'Only a lead clerk can see the alerts. This account cannot.',
      'loading': 'Loading…',
      'active.title': 'Active now',
      'active.none': 'No alert right now.',
      'ratings.title': 'Unsatisfied ratings to acknowledge',
      'ratings.none': 'No rating to acknowledge.',
      'followups.title': 'To follow up (within 2 working days)',
      'followups.none': 'No rating to follow up.',
      'raised': 'At {time} on {date}',
      'due': 'Follow up by {when}',
      'overdue': 'Overdue',
      'acked': 'Acknowledged: {note}',
      'note': 'Note',
      'note.ack': 'Acknowledgement note for ticket {label}',
      'note.follow': 'Follow-up note for ticket {label}',
      'ack': 'Acknowledge',
      'follow': 'Followed up',
      'done.ack': 'Alert acknowledged.',
      'done.follow': 'Follow-up recorded.',
      'rules.title': 'Alert thresholds',
      'rules.note': 'Leave a box empty to use the site\u2019s default (or the built-in one: a 30 min wait, 15 waiting, paused 20 min, no call for 10 min).',
      'rules.queue': 'Queue',
      'rules.default': 'Default',
      'rules.wait_minutes': 'Longest wait (min)',
      'rules.waiting': 'People waiting',
      'rules.paused_minutes': 'Paused (min)',
      'rules.idle_minutes': 'No call (min)',
      'rules.add': 'Add a queue',
      'rules.save': 'Save thresholds',
      'rules.saved': 'Alert thresholds saved.',
      'note.definitions': 'Every alert and figure is defined in docs/alerts.md. Alerts clear themselves when the condition ends.',
    },
  });

  const $ = (id) => document.getElementById(id);
  const FIELDS = ['wait_minutes', 'waiting', 'paused_minutes', 'idle_minutes'];
  const POLL_MS = 5000;

  let data = null;      // the last answer
  let shown = '';       // its JSON, to redraw only on change
  const drafts = {};    // notes being typed, by form key, kept across redraws
  let timer = null;

  // ---------------------------------------------------------------- drawing

  const pad = M.pad2;
  function dateOf(d) { return pad(d.getDate()) + '/' + pad(d.getMonth() + 1) + '/' + d.getFullYear(); }
  /** "2026-12-08T10:00:00" (office-local) → "10:00 08/12/2026". */
  function localWhen(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso || '');
    return m ? m[4] + ':' + m[5] + ' ' + m[3] + '/' + m[2] + '/' + m[1] : '';
  }

  function noteForm(kind, r) {
    const key = kind + ':' + r.id;
    const id = 'note-' + kind + '-' + r.id;
    const area = el('textarea', { id, maxlength: 500, rows: 2, required: true, 'aria-label': t('note.' + kind, { label: r.label }), placeholder: t('note') });
    area.value = drafts[key] || '';
    area.addEventListener('input', () => { drafts[key] = area.value; });
    const form = el('form', { novalidate: true, dataset: { kind, id: String(r.id) } },
      area, el('button', { type: 'submit', text: t(kind) }));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const path = '/api/v1/alerts/' + r.id + (kind === 'ack' ? '/ack' : '/follow-up');
      try {
        await M.api('POST', path, { note: area.value });
        delete drafts[key];
        M.showMessage($('message'), t('done.' + kind), 'info');
        load();
      } catch (err) {
        M.showMessage($('message'), M.errorText(err), 'error');
      }
    });
    return form;
  }

  function item(kind, r) {
    const raised = new Date(r.raised_at);
    const meta = [t('raised', { time: M.hhmm(raised), date: dateOf(raised) })];
    const box = el('div', { class: 'item' + (r.overdue ? ' overdue' : ''), dataset: { id: String(r.id) } },
      el('p', { class: 'what', text: M.ratingAlertText(r) }));
    const metaLine = el('p', { class: 'meta' }, meta.join(''), ' · ', t('due', { when: localWhen(r.follow_up_due_local) }));
    if (r.overdue) metaLine.append(' · ', el('span', { class: 'late', text: t('overdue') }));
    box.append(metaLine);
    if (kind === 'follow' && r.ack_note) box.append(el('p', { class: 'meta', text: t('acked', { note: r.ack_note }) }));
    box.append(noteForm(kind, r));
    return box;
  }

  function list(boxId, countId, rows, kind, empty) {
    $(countId).textContent = String(rows.length);
    const box = $(boxId);
    if (!rows.length) return box.replaceChildren(el('p', { class: 'empty', text: t(empty) }));
    box.replaceChildren(...rows.map((r) => item(kind, r)));
  }

  function render() {
    if (!data) return;
    const active = data.active || [];
    $('active-count').textContent = String(active.length);
    $('active').replaceChildren(...(active.length
      ? active.map((a) => el('li', { dataset: { key: a.key }, text: M.alertText(a) }))
      : [el('li', { class: 'empty', text: t('active.none') })]));
    list('ratings', 'ratings-count', data.unacknowledged || [], 'ack', 'ratings.none');
    list('followups', 'followups-count', data.follow_ups || [], 'follow', 'followups.none');
  }

  // ---------------------------------------------------------------- rules

  function ruleRow(queue, th) {
    const cell = (f) => {
      const v = th && th[f];
      return el('td', { dataset: { label: t('rules.' + f) } },
        el('input', { type: 'number', min: 1, max: f === 'waiting' ? 999 : 480, inputmode: 'numeric', dataset: { field: f }, value: v == null ? '' : String(v), 'aria-label': t('rules.' + f) + ' — ' + (queue === null ? t('rules.default') : queue || t('rules.queue')) }));
    };
    const first = queue === null
      ? el('th', { scope: 'row', text: t('rules.default') })
      : el('td', {}, el('input', { class: 'prefix', maxlength: 4, value: queue, 'aria-label': t('rules.queue') }));
    return el('tr', { dataset: { row: queue === null ? 'default' : 'queue' } }, first, ...FIELDS.map(cell));
  }

  function renderRules() {
    const rules = (data && data.rules) || { default: {}, queues: {} };
    const head = el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('rules.queue') }), ...FIELDS.map((f) => el('th', { scope: 'col', text: t('rules.' + f) }))));
    const rows = [ruleRow(null, rules.default)].concat(Object.entries(rules.queues || {}).map(([q, th]) => ruleRow(q, th)));
    $('rules-table').replaceChildren(head, el('tbody', {}, ...rows));
  }

  function readRules() {
    const out = { default: {}, queues: {} };
    for (const tr of $('rules-table').querySelectorAll('tbody tr')) {
      const th = {};
      for (const input of tr.querySelectorAll('input[data-field]')) {
        if (input.value.trim() !== '') th[input.dataset.field] = Number(input.value);
      }
      if (tr.dataset.row === 'default') out.default = th;
      else {
        const q = tr.querySelector('input.prefix').value.trim().toUpperCase();
        if (q) out.queues[q] = th;
      }
    }
    return out;
  }

  $('rules-add').addEventListener('click', () => {
    const row = ruleRow('', {});
    $('rules-table').querySelector('tbody').append(row);
    row.querySelector('input.prefix').focus();
  });
  $('rules').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await M.api('PUT', '/api/v1/alerts/rules', readRules());
      M.showMessage($('message'), t('rules.saved'), 'info');
      await load();
      renderRules();
    } catch (err) {
      const detail = err && err.message ? err.message : '';
      M.showMessage($('message'), M.errorText(err), 'error', detail);
    }
  });

  // ---------------------------------------------------------------- loading

  const gate = M.leadPage({ content: $('alerts'), title: 'read.title.alerts', signedIn: start });

  async function load() {
    try {
      const next = await M.api('GET', '/api/v1/alerts');
      $('auth').hidden = true;
      $('status').textContent = '';
      const first = !data;
      data = next;
      $('alerts').hidden = false;
      const json = JSON.stringify([next.active, next.unacknowledged, next.follow_ups]);
      // Redrawn only on change: a note being typed keeps its focus.
      if (json !== shown) {
        shown = json;
        render();
      }
      if (first) renderRules();
      return true;
    } catch (err) {
      $('status').textContent = '';
      if (gate.failed(err)) stop();
      return false;
    }
  }

  function stop() { if (timer) clearInterval(timer); timer = null; }

  async function start() {
    $('status').textContent = t('loading');
    if (await load()) {
      stop();
      timer = setInterval(load, POLL_MS);
    }
  }

  M.langToggle($('btn-lang'));
  M.onLangChange(() => {
    document.title = t('page.title') + ' — ' + t('app.name');
    render();
    if (data) renderRules();
  });

  M.applyI18n(document);
  document.title = t('page.title') + ' — ' + t('app.name');
  start();
})();
