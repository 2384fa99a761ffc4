/* motcua: the province's roll-up: a row per commune, ranked by any column (click its header), and a ranked chart per figure drawn by the office (served at /static/province.js, after motcua.js). */
'use strict';
(function () {
  const M = window.Motcua;
  const { t, el } = M;

  M.addStrings({
    vi: {
      'page.title': 'Tổng hợp toàn tỉnh',
      'nav.reports': 'Báo cáo',
      'from': 'Từ ngày',
      'to': 'Đến ngày',
      'run': 'Xem tổng hợp',
      'csv': 'Tải CSV',
      'loading': 'Đang tải…',
      'period': 'Kỳ tổng hợp: từ {from} đến {to}',
      'bad_range': 'Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.',
      'sec.table': 'Xếp hạng các xã',
      'sec.charts': 'Biểu đồ',
      'sort.hint': 'Bấm vào tiêu đề một cột để xếp hạng theo cột đó.',
      'col.rank': 'Hạng',
      'col.code': 'Mã',
      'col.name': 'Xã',
      'col.tickets': 'Số phiếu',
      'col.wait_avg': 'Chờ TB (phút)',
      'col.wait_p90': 'Chờ P90 (phút)',
      'col.no_shows': 'Vắng mặt',
      'col.very_satisfied': 'Rất hài lòng',
      'col.satisfied': 'Hài lòng',
      'col.unsatisfied': 'Không hài lòng',
      'col.received': 'HS tiếp nhận',
      'col.resolved': 'HS giải quyết',
      'col.on_time': 'Đúng hạn',
      'no_rows': 'Chưa có xã nào.',
      'auth.lead': 'Chỉ lãnh đạo (đơn vị hoặc tỉnh) mới xem được tổng hợp.',
      'note.wait': 'Thời gian chờ: từ lúc lấy số đến lần gọi đầu tiên, tính bằng phút; P90: 90% số phiếu không chờ lâu hơn.',
      'note.rating': 'Tỉ lệ hài lòng tính trên số lượt đánh giá.',
      'note.ontime': 'Tỉ lệ đúng hạn = (trước hạn + đúng hạn) ÷ số hồ sơ đã giải quyết. Đây là số liệu ước tính của hệ thống, không phải điểm chính thức.',
    },
    en: {
      'page.title': 'Province roll-up',
      'nav.reports': 'Reports',
      'from': 'From',
      'to': 'To',
      'run': 'Show roll-up',
      'csv': 'Download CSV',
      'loading': 'Loading…',
      'period': 'Period: {from} to {to}',
      'bad_range': 'The start date must be on or before the end date.',
      'sec.table': 'Communes ranked',
      'sec.charts': 'Charts',
      'sort.hint': 'Click a column header to rank by that column.',
      'col.rank': 'Rank',
      'col.code': 'Code',
      'col.name': 'Commune',
      'col.tickets': 'Tickets',
      'col.wait_avg': 'Avg wait (min)',
      'col.wait_p90': 'P90 wait (min)',
      'col.no_shows': 'No-shows',
      'col.very_satisfied': 'Very satisfied',
      'col.satisfied': 'Satisfied',
      'col.unsatisfied': 'Unsatisfied',
      'col.received': 'Dossiers received',
      'col.resolved': 'Dossiers resolved',
      'col.on_time': 'On time',
      'no_rows': 'No communes yet.',
      'auth.lead': 'Only a lead (a site\u2019s or the province\u2019s) sees the roll-up.',
      'note.wait': 'Wait: from taking the ticket to the first call, in minutes; P90: 90% of tickets waited no longer.',
      'note.rating': 'Satisfaction shares are of the ratings given.',
      'note.ontime': 'On-time share = (early + on time) ÷ dossiers resolved. An estimate by this system, not the official score.',
    },
  });

  const $ = (id) => document.getElementById(id);
  const COLUMNS = ['code', 'name', 'tickets', 'wait_avg', 'wait_p90', 'no_shows',
    'very_satisfied', 'satisfied', 'unsatisfied', 'received', 'resolved', 'on_time'];
  const TEXT_COLUMNS = ['code', 'name'];
  let data = null;
  let sort = 'code';
  let dir = 'asc';

  const locale = () => (M.lang() === 'en' ? 'en-GB' : 'vi-VN');
  const fmtInt = (n) => (n === null || n === undefined ? t('none') : new Intl.NumberFormat(locale()).format(n));
  const fmt1 = (n) => new Intl.NumberFormat(locale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n);
  const minutes = (s) => (s === null || s === undefined ? t('none') : fmt1(s / 60));
  const pct = (x) => (x === null || x === undefined ? t('none') : fmt1(x) + ' %');
  const dmy = (iso) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
    return m ? m[3] + '/' + m[2] + '/' + m[1] : iso || '';
  };

  function cell(r, c) {
    switch (c) {
      case 'code': return r.code;
      case 'name': return r.name;
      case 'wait_avg': return minutes(r.wait_avg_s);
      case 'wait_p90': return minutes(r.wait_p90_s);
      case 'very_satisfied': return pct(r.very_satisfied_pct);
      case 'satisfied': return pct(r.satisfied_pct);
      case 'unsatisfied': return pct(r.unsatisfied_pct);
      case 'on_time': return pct(r.on_time_pct);
      default: return fmtInt(r[c]);
    }
  }

  function header() {
    const ths = COLUMNS.map((c) => {
      const attrs = { scope: 'col', class: 'sortable' + (TEXT_COLUMNS.includes(c) ? '' : ' num'), dataset: { col: c } };
      if (c === sort) attrs['aria-sort'] = dir === 'asc' ? 'ascending' : 'descending';
      const b = el('button', { type: 'button', text: t('col.' + c) });
      b.addEventListener('click', () => {
        // A second click on the ranked column turns it round; a new column takes the office's order.
        if (c === sort) dir = dir === 'asc' ? 'desc' : 'asc';
        else { sort = c; dir = ''; }
        run();
      });
      return el('th', attrs, b);
    });
    return el('thead', {}, el('tr', {}, el('th', { scope: 'col', class: 'num', text: t('col.rank') }), ...ths));
  }

  // A province lead reads every commune's report, a commune's lead only their own.
  const readable = (r) => !data.own_site || r.code === data.own_site;
  const reportOf = (code) => '/s/' + encodeURIComponent(code) + '/reports?' + new URLSearchParams({ from: data.from, to: data.to }).toString();

  function render() {
    if (!data) return;
    $('period').textContent = t('period', { from: dmy(data.from), to: dmy(data.to) });
    const body = el('tbody', {});
    for (const r of data.rows) {
      const own = data.own_site && r.code === data.own_site;
      body.append(el('tr', { class: own ? 'own' : '', dataset: { code: r.code } },
        el('td', { class: 'num rank', text: String(r.rank) }),
        ...COLUMNS.map((c) => (c === 'name'
          ? el('th', { scope: 'row' }, readable(r) ? el('a', { href: reportOf(r.code), text: cell(r, c) }) : cell(r, c))
          : el('td', { class: TEXT_COLUMNS.includes(c) ? '' : 'num', text: cell(r, c) })))));
    }
    if (!data.rows.length) body.append(el('tr', {}, el('td', { class: 'empty', colspan: COLUMNS.length + 1, text: t('no_rows') })));
    $('rollup').replaceChildren(header(), body);
    $('results').hidden = false;
  }

  function query() {
    const q = { from: $('from').value, to: $('to').value, sort };
    if (dir) q.dir = dir;
    return new URLSearchParams(q).toString();
  }

  async function run() {
    const from = $('from').value;
    const to = $('to').value;
    $('auth').hidden = true;
    if (from > to) return M.showMessage($('message'), t('bad_range'), 'error');
    $('csv').href = '/api/v1/province.csv?' + query();
    history.replaceState(null, '', location.pathname + '?' + query());
    $('status').textContent = t('loading');
    try {
      data = await M.api('GET', '/api/v1/province?' + query());
      sort = data.sort;
      dir = data.dir;
      $('status').textContent = '';
      render();
      M.drawCharts('/api/v1/province/chart/', { from: data.from, to: data.to });
    } catch (err) {
      $('status').textContent = '';
      data = null;
      $('results').hidden = true;
      if (err.status === 401) M.readingLogin($('read'), run);
      else if (err.status === 403) {
        $('auth').textContent = t('auth.lead');
        $('auth').hidden = false;
      } else M.showMessage($('message'), M.errorText(err), 'error');
    }
  }

  $('filters').addEventListener('submit', (ev) => {
    ev.preventDefault();
    run();
  });
  M.langToggle($('btn-lang'));
  M.onLangChange(() => {
    document.title = t('page.title') + ' — ' + t('app.name');
    render();
    if (data) M.drawCharts('/api/v1/province/chart/', { from: data.from, to: data.to });
  });

  const q = new URLSearchParams(location.search);
  const today = new Date();
  const iso = /^\d{4}-\d{2}-\d{2}$/;
  $('from').value = iso.test(q.get('from') || '') ? q.get('from') : M.localDate(new Date(today.getFullYear(), today.getMonth(), 1));
  $('to').value = iso.test(q.get('to') || '') ? q.get('to') : M.localDate(today);
  if (COLUMNS.includes(q.get('sort'))) sort = q.get('sort');
  if (['asc', 'desc'].includes(q.get('dir'))) dir = q.get('dir');
  M.applyI18n(document);
  document.title = t('page.title') + ' — ' + t('app.name');
  run();
})();
