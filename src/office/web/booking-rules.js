/* motcua: the site lead's form for the booking rules (docs/booking.md): which queues take
   bookings, on which days and times, how many a slot, and the site-wide limits; saved with
   PUT /api/v1/booking/rules, whose check is the only one (served at /static/booking-rules.js,
   after motcua.js). */
'use strict';
(function () {
  const M = window.Motcua;
  const { t, el } = M;

  M.addStrings({
    vi: {
      'page.title': 'Quy định đặt lịch',
      'nav.reports': 'Báo cáo',
      'read.title.rules': 'Đăng nhập để đặt quy định đặt lịch',
      'intro': 'Công dân đặt lịch trên trang đặt lịch của đơn vị, chọn một khung giờ còn chỗ; ki-ốt nhận lịch hẹn và in số. Ở đây cán bộ phụ trách chọn hàng nào nhận đặt lịch, vào ngày nào, giờ nào và mỗi khung giờ bao nhiêu người.',
      'off': 'Đơn vị chưa nhận đặt lịch. Chọn ít nhất một hàng rồi bấm Lưu để bắt đầu.',
      'sec.queues': 'Các hàng nhận đặt lịch',
      'sec.site': 'Quy định chung',
      'bookable': 'Nhận đặt lịch',
      'days': 'Ngày trong tuần',
      'times': 'Giờ bắt đầu các khung giờ',
      'times.hint': 'Giờ:phút, cách nhau bằng dấu phẩy, ví dụ 08:00, 08:30, 14:00.',
      'per_slot': 'Số người mỗi khung giờ',
      'gone': '(không còn trong danh sách hàng của đơn vị)',
      'no_queues': 'Đơn vị chưa có hàng nào. Người cài đặt khai báo hàng bằng lệnh motcua office set-queues.',
      'days_ahead': 'Đặt trước tối đa (ngày)',
      'days_ahead.hint': '0 = chỉ hôm nay; tối đa 90.',
      'per_phone_active': 'Số lịch một số điện thoại giữ cùng lúc',
      'per_phone_day': 'Số lịch một số điện thoại trong một ngày',
      'early': 'Đến sớm tối đa (phút)',
      'late': 'Đến muộn tối đa (phút)',
      'window.hint': 'Ki-ốt chỉ nhận lịch hẹn trong khoảng từ giờ hẹn trừ số phút đến sớm đến giờ hẹn cộng số phút đến muộn.',
      'order': 'Thứ tự gọi số đã đặt lịch',
      'order.slot_first': 'Ưu tiên theo giờ hẹn',
      'order.slot_first.hint': 'Từ giờ hẹn, số đã đặt lịch được gọi trước mọi người đang chờ cùng hàng, giờ hẹn sớm hơn gọi trước; trước giờ hẹn thì chờ như mọi số khác.',
      'order.registration': 'Theo thứ tự lấy số',
      'order.registration.hint': 'Số đã đặt lịch xếp như số lấy trực tiếp, theo giờ lấy số tại ki-ốt (Hà Nội áp dụng từ tháng 10/2025).',
      'walk_in': 'Lấy số không cần đặt lịch',
      'walk_in.all': 'Mọi người',
      'walk_in.priority_only': 'Chỉ nhóm ưu tiên',
      'walk_in.priority_only.hint': 'Người cao tuổi, người khuyết tật, phụ nữ mang thai, người đi cùng trẻ nhỏ, người có công; những người khác đặt lịch trước.',
      'save': 'Lưu quy định',
      'saving': 'Đang lưu…',
      'loading': 'Đang tải quy định…',
      'saved': 'Đã lưu. Trang đặt lịch dùng quy định mới ngay.',
      'saved.off': 'Đã lưu: đơn vị không nhận đặt lịch nữa.',
      'refused': 'Máy chủ không nhận quy định này:',
      'auth.lead': 'Chỉ cán bộ phụ trách (tài khoản trưởng bộ phận) mới thay đổi được quy định đặt lịch. Tài khoản này không có quyền đó.',
      'bad.number': '“{what}” phải là một số nguyên, không âm.',
      'bad.per_slot': 'Hàng {q}: “Số người mỗi khung giờ” phải là một số nguyên.',
      'rule.days_times': 'Hàng {q}: chọn ít nhất một ngày và nhập ít nhất một giờ.',
      'rule.time': 'Hàng {q}: “{v}” không phải giờ hợp lệ (giờ:phút từ 00:00 đến 23:59, ví dụ 08:30).',
      'rule.twice': 'Hàng {q}: giờ {v} được nhập hai lần.',
      'rule.per_slot': 'Hàng {q}: số người mỗi khung giờ phải từ 1 đến 100.',
      'rule.days_ahead': 'Chỉ được đặt trước tối đa 90 ngày.',
      'rule.limits': 'Giới hạn lịch của một số điện thoại phải từ 1 trở lên.',
      'rule.window': 'Số phút đến sớm và đến muộn tối đa là 120.',
      'rule.walk_in': 'Chế độ “Chỉ nhóm ưu tiên” cần ít nhất một hàng nhận đặt lịch: nếu không, người ngoài nhóm ưu tiên sẽ không lấy được số.',
      'day.mon': 'T2', 'day.tue': 'T3', 'day.wed': 'T4', 'day.thu': 'T5', 'day.fri': 'T6', 'day.sat': 'T7', 'day.sun': 'CN',
      'day.mon.full': 'Thứ Hai', 'day.tue.full': 'Thứ Ba', 'day.wed.full': 'Thứ Tư', 'day.thu.full': 'Thứ Năm',
      'day.fri.full': 'Thứ Sáu', 'day.sat.full': 'Thứ Bảy', 'day.sun.full': 'Chủ Nhật',
    },
    en: {
      'page.title': 'Booking rules',
      'nav.reports': 'Reports',
      'read.title.rules': 'Sign in to set the booking rules',
      'intro': 'Citizens book on the site\u2019s booking page, choosing a time with places left; the kiosk checks the booking in and prints the number. Here the lead chooses which queues take bookings, on which days and times, and how many people a time takes.',
      'off': 'This site takes no bookings yet. Tick at least one queue, then press Save to start.',
      'sec.queues': 'Queues that take bookings',
      'sec.site': 'For the whole site',
      'bookable': 'Takes bookings',
      'days': 'Days of the week',
      'times': 'Start times of the slots',
      'times.hint': 'Hours:minutes, separated by commas, e.g. 08:00, 08:30, 14:00.',
      'per_slot': 'People per slot',
      'gone': '(no longer among the site\u2019s queues)',
      'no_queues': 'The site has no queues yet. The installer sets them with motcua office set-queues.',
      'days_ahead': 'Book at most (days ahead)',
      'days_ahead.hint': '0 = today only; at most 90.',
      'per_phone_active': 'Bookings one phone may hold at once',
      'per_phone_day': 'Bookings one phone may hold on one day',
      'early': 'Earliest arrival (minutes before)',
      'late': 'Latest arrival (minutes after)',
      'window.hint': 'The kiosk checks a booking in only from its time less the minutes before to its time plus the minutes after.',
      'order': 'Calling order of booked numbers',
      'order.slot_first': 'By the booked time first',
      'order.slot_first.hint': 'Once its time has come, a booked number is called before everyone waiting in its queue, earliest time first; before that it waits like any number.',
      'order.registration': 'By registration time',
      'order.registration.hint': 'A booked number ranks like a walk-in, by registration time at the kiosk (Hà Nội\u2019s practice since October 2025).',
      'walk_in': 'Numbers without a booking',
      'walk_in.all': 'Everyone',
      'walk_in.priority_only': 'Priority groups only',
      'walk_in.priority_only.hint': 'Older people, people with a disability, pregnant women, people with a young child, people with meritorious services; everyone else books first.',
      'save': 'Save the rules',
      'saving': 'Saving…',
      'loading': 'Loading the rules…',
      'saved': 'Saved. The booking page uses the new rules at once.',
      'saved.off': 'Saved: the site takes no bookings any more.',
      'refused': 'The server did not take these rules:',
      'auth.lead': 'Only a lead clerk can change the booking rules. This account cannot.',
      'bad.number': '“{what}” must be a whole number, not negative.',
      'bad.per_slot': 'Queue {q}: “People per slot” must be a whole number.',
      'rule.days_times': 'Queue {q}: tick at least one day and give at least one time.',
      'rule.time': 'Queue {q}: “{v}” is not a time (hours:minutes from 00:00 to 23:59, e.g. 08:30).',
      'rule.twice': 'Queue {q}: the time {v} is given twice.',
      'rule.per_slot': 'Queue {q}: people per slot must be 1 to 100.',
      'rule.days_ahead': 'Bookings can be at most 90 days ahead.',
      'rule.limits': 'A phone\u2019s booking limits must be at least 1.',
      'rule.window': 'The minutes before and after are at most 120.',
      'rule.walk_in': '“Priority groups only” needs at least one queue that takes bookings, or people outside the priority groups could get no number.',
      'day.mon': 'Mon', 'day.tue': 'Tue', 'day.wed': 'Wed', 'day.thu': 'Thu', 'day.fri': 'Fri', 'day.sat': 'Sat', 'day.sun': 'Sun',
      'day.mon.full': 'Monday', 'day.tue.full': 'Tuesday', 'day.wed.full': 'Wednesday', 'day.thu.full': 'Thursday',
      'day.fri.full': 'Friday', 'day.sat.full': 'Saturday', 'day.sun.full': 'Sunday',
    },
  });

  const $ = (id) => document.getElementById(id);
  const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  // The office's defaults (domain::booking), for a site that has set no rules yet.
  const DEFAULTS = { queues: [], days_ahead: 14, per_phone_active: 3, per_phone_day: 2, early_minutes: 10, late_minutes: 15, order: 'slot_first', walk_in: 'all' };
  const NUMBERS = [
    ['days-ahead', 'days_ahead', 'days_ahead'],
    ['per-phone-active', 'per_phone_active', 'per_phone_active'],
    ['per-phone-day', 'per_phone_day', 'per_phone_day'],
    ['early-minutes', 'early_minutes', 'early'],
    ['late-minutes', 'late_minutes', 'late'],
  ];

  let siteQueues = [];  // {prefix, name_vi, name_en} of the site, from /api/v1/clerk/options
  let draft = null;     // the form's content as rules, kept across a language switch
  let result = null;    // what the last save said: {kind, key | text}, redrawn on a switch

  // ---------------------------------------------------------------- the form

  /**
   * The slot times as text: a box that wraps and grows with its list, so a day of many
   * slots stays readable on a phone (a one-line field hid most of it).
   */
  function timesBox(p, text) {
    const box = el('textarea', { id: 'times-' + p, rows: 2, autocomplete: 'off', spellcheck: 'false' });
    box.value = text;
    const fit = () => { box.rows = Math.max(2, Math.ceil(box.value.length / 26)); };
    box.addEventListener('input', fit);
    fit();
    return box;
  }

  /** One queue's card: its bookable box, and (shown when ticked) days, times and places. */
  function queueCard(q, slots) {
    const p = q.prefix;
    const name = q.gone ? p + ' ' + t('gone') : p + ' — ' + M.queueName(q);
    const on = !!slots;
    const s = slots || { days: ['mon', 'tue', 'wed', 'thu', 'fri'], times: [], per_slot: 2 };
    const details = el('div', { class: 'details', hidden: !on },
      el('fieldset', { class: 'days' },
        el('legend', { text: t('days') }),
        ...DAYS.map((d) => el('label', { title: t('day.' + d + '.full') },
          el('input', { type: 'checkbox', name: 'day-' + p, value: d, checked: s.days.includes(d), 'aria-label': t('day.' + d + '.full') }),
          el('span', { text: t('day.' + d) })))),
      el('div', { class: 'field' },
        el('label', { for: 'times-' + p, text: t('times') }),
        timesBox(p, s.times.join(', ')),
        el('span', { class: 'hint', text: t('times.hint') })),
      el('div', { class: 'field per-slot' },
        el('label', { for: 'per-slot-' + p, text: t('per_slot') }),
        el('input', { type: 'number', id: 'per-slot-' + p, min: 1, max: 100, value: String(s.per_slot), inputmode: 'numeric' })));
    const box = el('input', { type: 'checkbox', id: 'bookable-' + p, checked: on });
    box.addEventListener('change', () => { details.hidden = !box.checked; });
    return el('div', { class: 'card queue', dataset: { queue: p } },
      el('h3', { text: name }),
      el('label', { class: 'bookable', for: 'bookable-' + p }, box, el('span', { text: t('bookable') })),
      details);
  }

  /** Fills the form from `rules` (the site's queues first, then any the rules name alone). */
  function render(rules) {
    draft = rules;
    const list = siteQueues.slice();
    for (const r of rules.queues) {
      if (!list.some((q) => q.prefix === r.queue)) list.push({ prefix: r.queue, gone: true });
    }
    $('queues').replaceChildren(...list.map((q) => queueCard(q, rules.queues.find((r) => r.queue === q.prefix))));
    if (!list.length) $('queues').append(el('p', { class: 'muted', text: t('no_queues') }));
    for (const [id, key] of NUMBERS) $(id).value = String(rules[key]);
    for (const name of ['order', 'walk_in']) {
      for (const r of document.querySelectorAll('input[name=' + name + ']')) r.checked = r.value === rules[name];
    }
    showResult();
  }

  /** Times as typed: split at commas or spaces, "8:00" read as "08:00"; the rest goes to the server as is. */
  function times(text) {
    return text.split(/[\s,;]+/).filter(Boolean).map((x) => (/^\d:\d\d$/.test(x) ? '0' + x : x));
  }

  /** A whole number ≥ 0 typed in `input`, or null. */
  function whole(input) {
    const v = input.value.trim();
    return /^\d{1,6}$/.test(v) ? Number(v) : null;
  }

  /**
   * The rules the form says, or {error} for a box JSON cannot carry (not a number). The
   * rest (times, ranges) is for the server's check to judge, so the page never says
   * otherwise than the office and the file of `motcua office set-booking`.
   */
  function collect(strict) {
    const rules = { queues: [] };
    for (const card of document.querySelectorAll('#queues .queue')) {
      const p = card.dataset.queue;
      const days = [...card.querySelectorAll('.days input:checked')].map((i) => i.value);
      const q = { queue: p, days, times: times($('times-' + p).value), per_slot: whole($('per-slot-' + p)) };
      if (!$('bookable-' + p).checked) continue;
      if (q.per_slot === null) {
        if (strict) return { error: t('bad.per_slot', { q: p }), queue: p };
        q.per_slot = 0;
      }
      rules.queues.push(q);
    }
    for (const [id, key, label] of NUMBERS) {
      const n = whole($(id));
      if (n === null && strict) return { error: t('bad.number', { what: t(label) }) };
      rules[key] = n === null ? DEFAULTS[key] : n;
    }
    for (const name of ['order', 'walk_in']) {
      const r = document.querySelector('input[name=' + name + ']:checked');
      rules[name] = r ? r.value : DEFAULTS[name];
    }
    return rules;
  }

  // The office's check (domain::booking::BookingRules::check) says what is wrong in English;
  // these are its sentences, so the lead reads them in the page's language. One it does not
  // know is shown as the office wrote it.
  const RULES = [
    [/^queue (\w+): give days and times$/, 'rule.days_times'],
    [/^queue (\w+): "(.*)" is not a time HH:MM$/, 'rule.time'],
    [/^queue (\w+): (.*) is given twice$/, 'rule.twice'],
    [/^queue (\w+): per_slot must be 1 to 100$/, 'rule.per_slot'],
    [/^days_ahead must be/, 'rule.days_ahead'],
    [/^per_phone_active and per_phone_day/, 'rule.limits'],
    [/^early_minutes and late_minutes/, 'rule.window'],
    [/^walk_in priority_only/, 'rule.walk_in'],
  ];

  function refusal(detail) {
    for (const [re, key] of RULES) {
      const m = re.exec(detail || '');
      if (m) return { key, vars: { q: m[1], v: m[2] }, queue: m[1] };
    }
    return { text: detail };
  }

  /** The last save's answer beside the button, in the current language. */
  function showResult() {
    const box = $('result');
    for (const c of document.querySelectorAll('.queue.bad')) c.classList.remove('bad');
    if (!result) {
      box.hidden = true;
      return;
    }
    box.dataset.kind = result.kind;
    const text = result.key ? t(result.key, result.vars) : result.text;
    if (result.kind === 'error') {
      box.replaceChildren(el('strong', { text: t('refused') }), ' ', text);
      const card = result.queue && document.querySelector('.queue[data-queue="' + result.queue + '"]');
      if (card) card.classList.add('bad');
    } else {
      box.replaceChildren(text);
    }
    box.hidden = false;
  }

  async function save() {
    const rules = collect(true);
    if (rules.error) {
      result = { kind: 'error', text: rules.error, queue: rules.queue };
      return showResult();
    }
    $('save').disabled = true;
    $('status').textContent = t('saving');
    try {
      const saved = await M.api('PUT', '/api/v1/booking/rules', rules);
      result = { kind: 'success', key: saved.queues.length ? 'saved' : 'saved.off' };
      // The answer leaves out what is at its default (`walk_in: all`): the form shows it.
      render({ ...DEFAULTS, ...saved });
      $('off').hidden = saved.queues.length > 0;
    } catch (err) {
      if (err.status === 401) return gate.signIn();
      if (err.status === 403 && err.code !== 'wrong_site') return gate.refuse();
      result = err.status === 400
        ? { kind: 'error', ...refusal(err.detail) }
        : { kind: 'error', text: M.errorText(err) };
      showResult();
    } finally {
      $('save').disabled = false;
      $('status').textContent = '';
    }
  }

  // ---------------------------------------------------------------- loading

  const gate = M.leadPage({ content: $('rules'), title: 'read.title.rules', signedIn: load });

  async function load() {
    $('auth').hidden = true;
    $('status').textContent = t('loading');
    try {
      const rules = await M.api('GET', '/api/v1/booking/rules');
      // The site's queues: the names the counters' login offers, for this page's site.
      const options = await M.api('GET', '/api/v1/clerk/options');
      siteQueues = (options && options.queues) || [];
      result = null;
      render({ ...DEFAULTS, ...(rules || {}) });
      $('off').hidden = !!(rules && rules.queues.length);
      $('rules').hidden = false;
    } catch (err) {
      $('rules').hidden = true;
      gate.failed(err);
    } finally {
      $('status').textContent = '';
    }
  }

  $('rules').addEventListener('submit', (ev) => {
    ev.preventDefault();
    save();
  });

  M.langToggle($('btn-lang'));
  M.onLangChange(() => {
    document.title = t('page.title') + ' — ' + t('app.name');
    if (!$('rules').hidden && draft) render(collect(false));
  });

  M.applyI18n(document);
  document.title = t('page.title') + ' — ' + t('app.name');
  load();
})();
