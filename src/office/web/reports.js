/* motcua: the reports page: a period's figures, its charts (SVG drawn by the office) and the CSV download (served at /static/reports.js, after motcua.js). */
'use strict';
(function () {
  const M = window.Motcua;
  const { t, el } = M;

  M.addStrings({
    vi: {
      'page.title': 'Báo cáo một cửa',
      'nav.counter': 'Quầy',
      'nav.province': 'Tổng hợp toàn tỉnh',
      'auth.pick_site': 'Máy chủ này phục vụ nhiều xã. Chọn một xã ở trang tổng hợp toàn tỉnh để xem báo cáo của xã đó.',
      'auth.pick_site_link': 'Đến trang tổng hợp toàn tỉnh',
      'from': 'Từ ngày',
      'to': 'Đến ngày',
      'run': 'Xem báo cáo',
      'csv': 'Tải CSV',
      'print': 'In',
      'loading': 'Đang tải báo cáo…',
      'period': 'Kỳ báo cáo: từ {from} đến {to}',
      'bad_range': 'Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.',
      'need_dates': 'Vui lòng chọn cả hai ngày.',
      'auth.login': 'Vui lòng đăng nhập ở trang Quầy trước, rồi mở lại trang này.',
      'auth.login_link': 'Đến trang đăng nhập',
      'auth.lead': 'Chỉ cán bộ phụ trách (tài khoản trưởng bộ phận) mới xem được báo cáo.',
      'sec.total': 'Tổng hợp',
      'sec.queues': 'Theo hàng',
      'sec.counters': 'Theo quầy',
      'sec.clerks': 'Theo cán bộ',
      'sec.dossiers': 'Hồ sơ',
      'sec.charts': 'Biểu đồ',
      'col.total': 'Tổng cộng',
      'col.blank': '',
      'col.queue': 'Hàng',
      'col.counter': 'Quầy',
      'col.clerk': 'Cán bộ',
      'col.tickets': 'Số phiếu',
      'col.served': 'Đã phục vụ',
      'col.no_shows': 'Vắng mặt',
      'col.wait': 'Chờ (phút)',
      'col.service': 'Phục vụ (phút)',
      'col.avg': 'TB',
      'col.p90': 'P90',
      'col.rating': 'Đánh giá (% số lượt)',
      'col.very': 'Rất hài lòng',
      'col.satisfied': 'Hài lòng',
      'col.unsatisfied': 'Không hài lòng',
      'col.rated': 'Lượt đánh giá',
      'col.received': 'Tiếp nhận',
      'col.resolved': 'Đã giải quyết',
      'col.early': 'Trước hạn',
      'col.on_time': 'Đúng hạn',
      'col.late': 'Trễ hạn',
      'col.on_time_share': 'Tỉ lệ đúng hạn',
      'sec.online': 'Hướng dẫn nộp trực tuyến (tại kiosk)', 'col.field': 'Lĩnh vực', 'col.routed_online': 'Lượt được hướng dẫn nộp trực tuyến', 'col.assisted_tickets': 'Số lấy để được hỗ trợ nộp trực tuyến',
      'note.online': 'Lượt hướng dẫn nộp trực tuyến: mỗi lần kiosk hiện trang hướng dẫn cho một thủ tục làm được toàn trình trực tuyến hoặc không nhận hồ sơ giấy. Số hỗ trợ: số lấy từ chính trang đó.',
      'sec.links': 'Lượt đến gắn với hồ sơ',
      'col.linked_visits': 'Lượt đến gắn hồ sơ', 'col.dossiers_linked': 'Số hồ sơ',
      'col.visits_per_dossier': 'Lượt đến / hồ sơ', 'col.multi_share': 'Hồ sơ phải đến > 1 lần',
      'col.arrival_receipt': 'Từ lúc đến tới tiếp nhận (phút, trung vị)', 'col.linked_ratings': 'Đánh giá gắn hồ sơ',
      'col.linked_satisfied': 'Hài lòng', 'col.assisted': 'Hỗ trợ nộp trực tuyến', 'col.field': 'Lĩnh vực',
      'export.csv': 'Tải đánh giá theo hồ sơ (CSV)', 'export.json': 'Tải đánh giá theo hồ sơ (JSON)',
      'sec.visits': 'Lượt đến theo hồ sơ', 'visits.code': 'Mã hồ sơ', 'visits.run': 'Xem lượt đến',
      'visits.none': 'Chưa có lượt đến nào gắn với hồ sơ {code}.', 'visits.count': 'Hồ sơ {code}: {n} lượt đến.',
      'visits.empty': 'Hãy nhập mã hồ sơ.', 'col.date': 'Ngày', 'col.time': 'Giờ lấy số', 'col.source': 'Gắn bởi',
      'col.rating': 'Đánh giá', 'source.console': 'Quầy', 'source.api': 'Hệ thống tích hợp', 'yes': 'Có', 'no': '',
      'rating.very_satisfied': 'Rất hài lòng', 'rating.satisfied': 'Hài lòng', 'rating.unsatisfied': 'Không hài lòng',
      'err.bad_dossier_code': 'Mã hồ sơ không đúng định dạng (ví dụ H15.50.05.13-261008-0975).',
      'sec.bookings': 'Lịch hẹn', 'col.booked': 'Đã đặt', 'col.kept': 'Đã đến', 'col.cancelled': 'Đã hủy', 'col.missed': 'Lỡ hẹn',
      'rules.link': 'Quy định đặt lịch',
      'radar.link': 'Hồ sơ cần chú ý (quá hạn, sắp đến hạn)',
      'alerts.link': 'Cảnh báo (đánh giá không hài lòng, chờ lâu)',
      'scorecard.link': 'Bảng điểm tháng',
      'sec.followups': 'Đánh giá không hài lòng và liên hệ lại',
      'col.negative': 'Không hài lòng', 'col.followed_up': 'Đã liên hệ lại', 'col.followed_up_on_time': 'Đúng hạn', 'col.followed_up_share': 'Tỷ lệ đúng hạn',
      'no_rows': 'Không có dữ liệu trong kỳ.',
      'note.wait': 'Thời gian chờ: từ lúc lấy số đến lần gọi đầu tiên. Thời gian phục vụ: từ lúc bắt đầu đến lúc xong. Đơn vị: phút.',
      'note.p90': 'P90: 90% số phiếu có thời gian không vượt quá giá trị này.',
      'note.rating': 'Tỉ lệ hài lòng tính trên số lượt đánh giá.',
      'note.ontime': 'Tỉ lệ đúng hạn = (trước hạn + đúng hạn) ÷ số hồ sơ đã giải quyết.',
    },
    en: {
      'page.title': 'One-stop shop reports',
      'nav.counter': 'Counter',
      'nav.province': 'Province roll-up',
      'auth.pick_site': 'This server serves several communes. Pick one on the province roll-up to see its report.',
      'auth.pick_site_link': 'Go to the province roll-up',
      'from': 'From',
      'to': 'To',
      'run': 'Show report',
      'csv': 'Download CSV',
      'print': 'Print',
      'loading': 'Loading the report…',
      'period': 'Period: {from} to {to}',
      'bad_range': 'The start date must not be after the end date.',
      'need_dates': 'Please choose both dates.',
      'auth.login': 'Please sign in on the Counter page first, then open this page again.',
      'auth.login_link': 'Go to sign-in',
      'auth.lead': 'Only lead clerks can see the reports.',
      'sec.total': 'Summary',
      'sec.queues': 'By queue',
      'sec.counters': 'By counter',
      'sec.clerks': 'By clerk',
      'sec.dossiers': 'Dossiers',
      'sec.charts': 'Charts',
      'col.total': 'Total',
      'col.blank': '',
      'col.queue': 'Queue',
      'col.counter': 'Counter',
      'col.clerk': 'Clerk',
      'col.tickets': 'Tickets',
      'col.served': 'Served',
      'col.no_shows': 'No-shows',
      'col.wait': 'Wait (min)',
      'col.service': 'Service (min)',
      'col.avg': 'Avg',
      'col.p90': 'P90',
      'col.rating': 'Ratings (% of rated)',
      'col.very': 'Very satisfied',
      'col.satisfied': 'Satisfied',
      'col.unsatisfied': 'Unsatisfied',
      'col.rated': 'Rated',
      'col.received': 'Received',
      'col.resolved': 'Resolved',
      'col.early': 'Early',
      'col.on_time': 'On time',
      'col.late': 'Late',
      'col.on_time_share': 'On-time share',
      'sec.online': 'Routed to online filing (at the kiosk)', 'col.field': 'Field', 'col.routed_online': 'Visits routed online', 'col.assisted_tickets': 'Tickets for assisted online filing',
      'note.online': 'Visits routed online: each time a kiosk showed its routing page for a procedure done wholly online or that the desk takes no paper for. Assisted tickets: tickets taken from that page.',
      'sec.links': 'Visits linked to dossiers',
      'col.linked_visits': 'Linked visits', 'col.dossiers_linked': 'Dossiers',
      'col.visits_per_dossier': 'Visits per dossier', 'col.multi_share': 'Dossiers needing > 1 visit',
      'col.arrival_receipt': 'Arrival to receipt (min, median)', 'col.linked_ratings': 'Ratings linked',
      'col.linked_satisfied': 'Satisfied', 'col.assisted': 'Assisted online filings', 'col.field': 'Field',
      'export.csv': 'Download ratings by dossier (CSV)', 'export.json': 'Download ratings by dossier (JSON)',
      'sec.visits': 'Visits by dossier', 'visits.code': 'Dossier code', 'visits.run': 'Show visits',
      'visits.none': 'No visit is linked to dossier {code} yet.', 'visits.count': 'Dossier {code}: {n} visit(s).',
      'visits.empty': 'Type a dossier code.', 'col.date': 'Date', 'col.time': 'Ticket taken', 'col.source': 'Linked by',
      'col.rating': 'Rating', 'source.console': 'Counter', 'source.api': 'Integration', 'yes': 'Yes', 'no': '',
      'rating.very_satisfied': 'Very satisfied', 'rating.satisfied': 'Satisfied', 'rating.unsatisfied': 'Unsatisfied',
      'err.bad_dossier_code': 'Not a dossier code (one looks like H15.50.05.13-261008-0975).',
      'sec.bookings': 'Bookings', 'col.booked': 'Booked', 'col.kept': 'Kept', 'col.cancelled': 'Cancelled', 'col.missed': 'Missed',
      'rules.link': 'Booking rules',
      'radar.link': 'Dossiers to watch (overdue, due soon)',
      'alerts.link': 'Alerts (unsatisfied ratings, long waits)',
      'scorecard.link': 'Monthly scorecard',
      'sec.followups': 'Unsatisfied ratings and follow-ups',
      'col.negative': 'Unsatisfied', 'col.followed_up': 'Followed up', 'col.followed_up_on_time': 'On time', 'col.followed_up_share': 'Share on time',
      'no_rows': 'No data in this period.',
      'note.wait': 'Wait: from taking the ticket to the first call. Service: from start to finish. In minutes.',
      'note.p90': 'P90: 90% of tickets took no longer than this.',
      'note.rating': 'Satisfaction shares are of the ratings given.',
      'note.ontime': 'On-time share = (early + on time) ÷ dossiers resolved.',
      'note.links': 'Linked visits: tickets of the period linked to a dossier code (at a counter or by the integration). Arrival to receipt: the median, over dossiers the office holds and visits before the receipt.',
    },
  });

  const $ = (id) => document.getElementById(id);
  let report = null;     // last answer, re-rendered on a language switch
  let queueNames = {};   // prefix → {name_vi, name_en}, from the login options (best effort)

  // ---------------------------------------------------------------- formatting

  const locale = () => (M.lang() === 'en' ? 'en-GB' : 'vi-VN');
  const fmtInt = (n) => (n === null || n === undefined ? t('none') : new Intl.NumberFormat(locale()).format(n));
  const fmt1 = (n) => new Intl.NumberFormat(locale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n);
  const minutes = (s) => (s === null || s === undefined ? t('none') : fmt1(s / 60));
  const pct = (part, whole) => (!whole || part === null || part === undefined ? t('none') : fmt1((part * 100) / whole) + ' %');
  const share = (x) => (x === null || x === undefined ? t('none') : fmt1(x * 100) + ' %');
  const dmy = (iso) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
    return m ? m[3] + '/' + m[2] + '/' + m[1] : iso || '';
  };

  // ---------------------------------------------------------------- tables

  const num = (text) => el('td', { class: 'num', text });

  /** The shared columns of total / queues / counters / clerks. */
  function statCells(r) {
    const rt = r.ratings || {};
    const rated = (rt.very_satisfied || 0) + (rt.satisfied || 0) + (rt.unsatisfied || 0);
    return [
      num(fmtInt(r.tickets)), num(fmtInt(r.served)), num(fmtInt(r.no_shows)),
      el('td', { class: 'num sep', text: minutes(r.wait_avg_s) }), num(minutes(r.wait_p90_s)),
      el('td', { class: 'num sep', text: minutes(r.service_avg_s) }), num(minutes(r.service_p90_s)),
      el('td', { class: 'num sep', text: pct(rt.very_satisfied, rated) }),
      num(pct(rt.satisfied, rated)), num(pct(rt.unsatisfied, rated)), num(fmtInt(rated)),
    ];
  }

  function statHead(firstCol) {
    const th = (key, cls, extra) => el('th', { class: cls, scope: 'col', text: t(key), ...extra });
    return el('thead', {},
      el('tr', {},
        th(firstCol, '', { rowspan: 2 }),
        th('col.tickets', 'num', { rowspan: 2 }),
        th('col.served', 'num', { rowspan: 2 }),
        th('col.no_shows', 'num', { rowspan: 2 }),
        th('col.wait', 'group', { colspan: 2, scope: 'colgroup' }),
        th('col.service', 'group', { colspan: 2, scope: 'colgroup' }),
        th('col.rating', 'group', { colspan: 4, scope: 'colgroup' })),
      el('tr', {},
        th('col.avg', 'num sep'), th('col.p90', 'num'),
        th('col.avg', 'num sep'), th('col.p90', 'num'),
        th('col.very', 'num sep'), th('col.satisfied', 'num'), th('col.unsatisfied', 'num'), th('col.rated', 'num')));
  }

  function statTable(table, firstCol, rows, nameOf, cls) {
    const body = el('tbody', {});
    for (const r of rows) {
      body.append(el('tr', { class: cls, dataset: { key: String(r.key ?? '') } },
        el('th', { scope: 'row', text: nameOf(r) }), ...statCells(r)));
    }
    if (!rows.length) body.append(el('tr', {}, el('td', { class: 'empty', colspan: 12, text: t('no_rows') })));
    table.replaceChildren(statHead(firstCol), body);
  }

  function queueLabel(r) {
    const q = queueNames[r.key];
    return q ? r.key + ' — ' + M.queueName(q) : String(r.key);
  }

  function renderDossiers(d) {
    const table = $('dossiers');
    const cols = ['col.received', 'col.resolved', 'col.early', 'col.on_time', 'col.late', 'col.on_time_share'];
    d = d || {};
    table.replaceChildren(
      el('thead', {}, el('tr', {}, ...cols.map((k) => el('th', { class: 'num', scope: 'col', text: t(k) })))),
      el('tbody', {}, el('tr', {},
        num(fmtInt(d.received)), num(fmtInt(d.resolved)), num(fmtInt(d.early)),
        num(fmtInt(d.on_time)), num(fmtInt(d.late)), num(share(d.on_time_share)))));
  }

  function renderBookings(b) {
    const cols = ['col.booked', 'col.kept', 'col.cancelled', 'col.missed'];
    b = b || {};
    $('bookings').replaceChildren(
      el('thead', {}, el('tr', {}, ...cols.map((k) => el('th', { class: 'num', scope: 'col', text: t(k) })))),
      el('tbody', {}, el('tr', {},
        num(fmtInt(b.booked)), num(fmtInt(b.kept)), num(fmtInt(b.cancelled)), num(fmtInt(b.missed)))));
  }

  /** Negative ratings, followed up, on time by the due time, and the share (docs/alerts.md). */
  function renderFollowups(f, shareOnTime) {
    const cols = ['col.negative', 'col.followed_up', 'col.followed_up_on_time', 'col.followed_up_share'];
    f = f || {};
    $('followups').replaceChildren(
      el('thead', {}, el('tr', {}, ...cols.map((k) => el('th', { class: 'num', scope: 'col', text: t(k) })))),
      el('tbody', {}, el('tr', {},
        num(fmtInt(f.negative_ratings)), num(fmtInt(f.followed_up)), num(fmtInt(f.followed_up_on_time)),
        num(share(shareOnTime)))));
  }

  function renderOnline(rows) {
    const cols = ['col.routed_online', 'col.assisted_tickets'];
    const body = el('tbody', {});
    for (const r of rows) {
      const name = M.lang() === 'en' ? r.name_en : r.name_vi;
      body.append(el('tr', { dataset: { key: String(r.field) } },
        el('th', { scope: 'row', text: name ? r.field + ' — ' + name : String(r.field) }),
        num(fmtInt(r.routed_online)), num(fmtInt(r.assisted_tickets))));
    }
    if (!rows.length) body.append(el('tr', {}, el('td', { class: 'empty', colspan: 3, text: t('no_rows') })));
    $('online').replaceChildren(
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('col.field') }),
        ...cols.map((k) => el('th', { class: 'num', scope: 'col', text: t(k) })))),
      body);
  }

  function renderLinks(l) {
    l = l || {};
    const head = (cols) => el('thead', {}, el('tr', {}, ...cols.map((k) => el('th', { class: 'num', scope: 'col', text: t(k) }))));
    const dec = (v) => (typeof v === 'number' ? fmt1(v) : t('none'));
    $('links').replaceChildren(
      head(['col.served', 'col.linked_visits', 'col.dossiers_linked', 'col.visits_per_dossier', 'col.multi_share',
        'col.arrival_receipt', 'col.linked_ratings', 'col.linked_satisfied', 'col.assisted']),
      el('tbody', {}, el('tr', {},
        num(fmtInt(l.visits)), num(fmtInt(l.linked_visits)), num(fmtInt(l.dossiers)), num(dec(l.visits_per_dossier)),
        num(share(l.multi_visit_share)), num(dec(l.arrival_to_receipt_median_min)), num(fmtInt(l.linked_ratings)),
        num(fmtInt(l.linked_satisfied)), num(fmtInt(l.assisted_online)))));
    const rows = l.assisted_by_field || [];
    $('assisted').parentElement.hidden = rows.length === 0;
    $('assisted').replaceChildren(
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('col.field') }), el('th', { class: 'num', scope: 'col', text: t('col.assisted') }))),
      el('tbody', {}, ...rows.map((r) => el('tr', {}, el('th', { scope: 'row', text: r.field }), num(fmtInt(r.count))))));
  }

  function render() {
    if (!report) return;
    const r = report;
    // Named: a province lead reads many communes' reports, and a printout travels.
    const site = r.site ? r.site.name + ' (' + r.site.code + ') — ' : '';
    $('period').textContent = site + t('period', { from: dmy(r.from), to: dmy(r.to) });
    statTable($('total'), 'col.blank', r.total ? [{ key: 'total', ...r.total }] : [], () => t('col.total'), 'total-row');
    statTable($('queues'), 'col.queue', r.queues || [], queueLabel);
    statTable($('counters'), 'col.counter', r.counters || [], (x) => t('counter.n', { n: x.key }));
    statTable($('clerks'), 'col.clerk', r.clerks || [], (x) => (x.name ? x.name + ' (' + x.key + ')' : String(x.key)));
    renderDossiers(r.dossiers);
    renderBookings(r.bookings);
    renderFollowups(r.follow_ups, r.follow_up_on_time_share);
    renderOnline(r.online || []);
    renderLinks(r.links);
    $('results').hidden = false;
  }

  // ---------------------------------------------------------------- loading

  function range() {
    return { from: $('from').value, to: $('to').value };
  }

  function updateCsvLink() {
    const { from, to } = range();
    const q = new URLSearchParams({ from, to }).toString();
    $('csv').href = M.withSite('/api/v1/reports.csv?' + q);
    $('export-csv').href = M.withSite('/api/v1/export/dossier-ratings.csv?' + q);
    $('export-json').href = M.withSite('/api/v1/export/dossier-ratings.json?' + q);
  }

  // ---------------------------------------------------------------- visits by dossier

  let visits = null; // the last lookup's answer, re-rendered on a language change

  function renderVisits() {
    if (!visits) return;
    const list = visits.visits || [];
    $('visits-status').textContent = t(list.length ? 'visits.count' : 'visits.none', { code: visits.code, n: list.length });
    $('visits-wrap').hidden = list.length === 0;
    const cols = ['col.date', 'col.time', 'col.counter', 'col.field', 'col.assisted', 'col.source', 'col.rating'];
    $('visits').replaceChildren(
      el('thead', {}, el('tr', {}, ...cols.map((k) => el('th', { scope: 'col', text: t(k) })))),
      el('tbody', {}, ...list.map((v) => el('tr', {},
        el('td', { text: dmy(v.date) }), el('td', { text: M.hhmm(v.issued_at) }),
        el('td', { text: v.counter == null ? '—' : String(v.counter) }),
        el('td', { text: M.lang() === 'en' ? v.field_en : v.field_vi }),
        el('td', { text: t(v.assisted_online ? 'yes' : 'no') }),
        el('td', { text: t('source.' + v.source) }),
        el('td', { text: v.rating ? t('rating.' + v.rating) : '—' })))));
  }

  $('visits-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const code = $('visits-code').value.trim();
    if (!code) return ($('visits-status').textContent = t('visits.empty'));
    $('visits-run').disabled = true;
    try {
      visits = await M.api('GET', '/api/v1/dossiers/' + encodeURIComponent(code) + '/visits');
      renderVisits();
    } catch (err) {
      visits = null;
      $('visits-wrap').hidden = true;
      $('visits-status').textContent = M.errorText(err);
    } finally {
      $('visits-run').disabled = false;
    }
  });

  function showAuth(kind) {
    const box = $('auth');
    if (kind === 'login') {
      box.replaceChildren(t('auth.login') + ' ', el('a', { href: '/counter', text: t('auth.login_link') }));
    } else if (kind === 'pick_site') {
      const from = $('from').value;
      const to = $('to').value;
      const href = '/province?' + new URLSearchParams({ from, to }).toString();
      box.replaceChildren(t('auth.pick_site') + ' ', el('a', { href, text: t('auth.pick_site_link') }));
    } else {
      box.replaceChildren(t('auth.lead'));
    }
    box.dataset.kind = kind;
    box.hidden = false;
  }

  async function run() {
    const { from, to } = range();
    $('auth').hidden = true;
    if (!from || !to) return M.showMessage($('message'), t('need_dates'), 'error');
    if (from > to) return M.showMessage($('message'), t('bad_range'), 'error'); // ISO dates sort as text
    // Keep the period in the address so a reload (or a bookmark) shows the same report.
    const url = new URL(location.href);
    url.searchParams.set('from', from);
    url.searchParams.set('to', to);
    history.replaceState(null, '', url.pathname + url.search);
    updateCsvLink();
    $('run').disabled = true;
    $('status').textContent = t('loading');
    try {
      report = await M.api('GET', '/api/v1/reports?' + new URLSearchParams({ from, to }).toString());
      $('status').textContent = '';
      render();
      M.drawCharts('/api/v1/reports/chart/', { from, to });
    } catch (err) {
      $('status').textContent = '';
      report = null;
      $('results').hidden = true;
      if (err.status === 401) M.readingLogin($('read'), run);
      else if (err.status === 403) showAuth('lead');
      else if (err.code === 'site_needed') showAuth('pick_site');
      else M.showMessage($('message'), M.errorText(err), 'error');
    } finally {
      $('run').disabled = false;
    }
  }

  async function loadQueueNames() {
    try {
      const o = await M.api('GET', '/api/v1/clerk/options');
      for (const q of (o && o.queues) || []) queueNames[q.prefix] = q;
      render();
    } catch (_) {
      /* names are a nicety: the prefixes alone still read fine */
    }
  }

  $('filters').addEventListener('submit', (ev) => {
    ev.preventDefault();
    run();
  });
  $('from').addEventListener('change', updateCsvLink);
  $('to').addEventListener('change', updateCsvLink);
  $('print').addEventListener('click', () => window.print());

  M.langToggle($('btn-lang'));
  M.onLangChange(() => {
    document.title = t('page.title') + ' — ' + t('app.name');
    if (!$('auth').hidden) showAuth($('auth').dataset.kind);
    render();
    renderVisits();
    if (report) M.drawCharts('/api/v1/reports/chart/', { from: report.from, to: report.to });
  });

  // Defaults: the first day of this month → today (local dates), unless the address says otherwise.
  const q = new URLSearchParams(location.search);
  const today = new Date();
  const iso = /^\d{4}-\d{2}-\d{2}$/;
  $('from').value = iso.test(q.get('from') || '') ? q.get('from') : M.localDate(new Date(today.getFullYear(), today.getMonth(), 1));
  $('to').value = iso.test(q.get('to') || '') ? q.get('to') : M.localDate(today);
  M.applyI18n(document);
  document.title = t('page.title') + ' — ' + t('app.name');
  updateCsvLink();
  run();
  loadQueueNames();
})();
