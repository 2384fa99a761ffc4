/* motcua: the lead's deadline radar (docs/radar.md): the four lists of dossiers to act on,
   the morning digest printed on one A4 page, and a draft of the Mẫu 04 apology letter for
   each late dossier owed one (served at /static/radar.js, after motcua.js). The office
   counts everything (GET /api/v1/radar); this page only formats it. */
'use strict';
(function () {
  const M = window.Motcua;
  const { t, el } = M;

  M.addStrings({
    vi: {
      'page.title': 'Hồ sơ cần chú ý',
      'nav.reports': 'Báo cáo',
      'read.title.radar': 'Đăng nhập để xem hồ sơ cần chú ý',
      'digest.title': 'Bản tin sáng: hồ sơ cần chú ý',
      'digest.meta': '{site}Lúc {time} ngày {date}',
      'due_soon_hours': 'Sắp đến hạn trong (giờ làm việc)',
      'uncollected_days': 'Chưa đến nhận sau (ngày)',
      'reload': 'Xem lại',
      'csv': 'Tải CSV',
      'print_digest': 'In bản tin sáng',
      'loading': 'Đang tải…',
      'bad.thresholds': 'Giờ làm việc phải từ 1 đến 80 và số ngày từ 1 đến 90.',
      'auth.lead': 'Chỉ cán bộ phụ trách (tài khoản trưởng bộ phận) mới xem được hồ sơ cần chú ý. Tài khoản này không có quyền đó.',
      'list.overdue_no_new_date': 'Quá hạn, chưa có ngày hẹn mới (cần thư xin lỗi)',
      'list.overdue': 'Quá hạn',
      'list.due_soon': 'Sắp đến hạn',
      'list.uncollected': 'Đã có kết quả, chưa đến nhận',
      'count': '{n} hồ sơ',
      'empty': 'Không có hồ sơ nào.',
      'col.code': 'Mã hồ sơ',
      'col.field': 'Lĩnh vực',
      'col.due': 'Hạn trả',
      'col.due_new': 'Hẹn lại',
      'col.proposed': 'Đề xuất hẹn lại',
      'col.time': 'Trễ / còn',
      'col.waited': 'Đã chờ',
      'col.name': 'Người nộp',
      'col.letter': 'Thư',
      'late': 'trễ {x} làm việc',
      'left': 'còn {x} làm việc',
      'on_time': 'đến hạn',
      'days': '{n} ngày',
      'hours': '{n} giờ',
      'minutes': '{n} phút',
      'waited': '{n} ngày',
      'letter': 'Thư xin lỗi',
      'letter.aria': 'Thư xin lỗi cho hồ sơ {code}',
      'letter.note': 'Bản nháp theo Mẫu 04. Điền tên người nhận và lý do bằng tay, kiểm tra lại ngày hẹn, ký rồi mới gửi.',
      'letter.print': 'In thư',
      'letter.close': 'Đóng',
      'note.working': 'Giờ làm việc tính theo các buổi làm việc của đơn vị (một ngày làm việc là 8 giờ), không tính ngày nghỉ, ngày lễ.',
    },
    en: {
      'page.title': 'Dossiers to watch',
      'nav.reports': 'Reports',
      'read.title.radar': 'Sign in to see the dossiers to watch',
      'digest.title': 'Morning digest: dossiers to watch',
      'digest.meta': '{site}At {time} on {date}',
      'due_soon_hours': 'Due soon within (working hours)',
      'uncollected_days': 'Not collected after (days)',
      'reload': 'Show again',
      'csv': 'Download CSV',
      'print_digest': 'Print the morning digest',
      'loading': 'Loading…',
      'bad.thresholds': 'Working hours must be 1 to 80 and days 1 to 90.',
      'auth.lead': 'Only a lead clerk can see the dossiers to watch. This account cannot.',
      'list.overdue_no_new_date': 'Overdue, no new date yet (apology letter owed)',
      'list.overdue': 'Overdue',
      'list.due_soon': 'Due soon',
      'list.uncollected': 'Ready, not collected',
      'count': '{n} dossiers',
      'empty': 'No dossiers.',
      'col.code': 'Dossier code',
      'col.field': 'Field',
      'col.due': 'Due',
      'col.due_new': 'New date',
      'col.proposed': 'Proposed new date',
      'col.time': 'Late / left',
      'col.waited': 'Waited',
      'col.name': 'Applicant',
      'col.letter': 'Letter',
      'late': '{x} late (working time)',
      'left': '{x} left (working time)',
      'on_time': 'due now',
      'days': '{n} d',
      'hours': '{n} h',
      'minutes': '{n} min',
      'waited': '{n} days',
      'letter': 'Apology letter',
      'letter.aria': 'Apology letter for dossier {code}',
      'letter.note': 'A draft in the shape of Mẫu 04, in Vietnamese as it is sent. Fill in the addressee and the reason by hand, check the new date, and sign before sending.',
      'letter.print': 'Print the letter',
      'letter.close': 'Close',
      'note.working': 'Working hours count the site\u2019s sessions (a working day is 8 hours), without days off and holidays.',
    },
  });

  const $ = (id) => document.getElementById(id);
  const LISTS = ['overdue_no_new_date', 'overdue', 'due_soon', 'uncollected'];
  // A working day of the standard sessions (docs/radar.md): the unit the amounts are read in.
  const WORKING_DAY = 8 * 60;

  let radar = null;     // the last answer, drawn again on a language switch
  let siteName = '';    // the site's name, as the radar's answer gives it
  let letterRow = null; // the row whose letter is open

  // ---------------------------------------------------------------- formatting

  /** "2026-12-07T17:00:00" (office-local, as the office sends it) → parts, or null. */
  function parts(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso || '');
    return m ? { y: m[1], mo: m[2], d: m[3], h: m[4], mi: m[5] } : null;
  }
  // Office-local times are shown as sent: the browser's own zone may be another.
  const dmy = (iso) => { const p = parts(iso); return p ? p.d + '/' + p.mo + '/' + p.y : ''; };
  const hm = (iso) => { const p = parts(iso); return p ? p.h + ':' + p.mi : ''; };
  const dmyhm = (iso) => (parts(iso) ? dmy(iso) + ' ' + hm(iso) : t('none'));

  /** Working minutes as days of 8 hours, hours and minutes: "1 ngày 2 giờ". */
  function span(minutes) {
    const d = Math.floor(minutes / WORKING_DAY);
    const h = Math.floor((minutes % WORKING_DAY) / 60);
    const m = minutes % 60;
    const out = [];
    if (d) out.push(t('days', { n: d }));
    if (h) out.push(t('hours', { n: h }));
    if (m || !out.length) out.push(t('minutes', { n: m }));
    return out.join(' ');
  }

  /** How late or how much is left, or how long a ready dossier has waited. */
  function amount(row) {
    if (row.list === 'uncollected') return t('waited', { n: row.amount });
    if (row.amount < 0) return t('late', { x: span(-row.amount) });
    if (row.amount === 0) return t('on_time');
    return t('left', { x: span(row.amount) });
  }

  const field = (row) => (M.lang() === 'en' && row.field_en) || row.field_vi || row.field || t('none');

  // ---------------------------------------------------------------- the lists

  function columns(list) {
    const cols = [
      ['col.code', (r) => el('span', { class: 'code', text: r.code })],
      ['col.field', field],
      ['col.due', (r) => dmyhm(r.due)],
    ];
    if (list === 'overdue') cols.push(['col.due_new', (r) => dmyhm(r.due_new)]);
    if (list === 'overdue_no_new_date') cols.push(['col.proposed', (r) => dmyhm(r.proposed_new)]);
    cols.push([list === 'uncollected' ? 'col.waited' : 'col.time', amount, 'amount']);
    cols.push(['col.name', (r) => r.masked_name, 'name']);
    if (list === 'overdue_no_new_date') {
      cols.push(['col.letter', (r) => el('button', {
        type: 'button', class: 'secondary letter-button', text: t('letter'),
        'aria-label': t('letter.aria', { code: r.code }),
        on: { click: () => { openLetter(r); $('letter-box').scrollIntoView(); $('letter-print').focus(); } },
      }), 'no-print']);
    }
    return cols;
  }

  function section(list, rows) {
    const head = el('h2', {}, t('list.' + list), ' ', el('span', { class: 'badge count', text: t('count', { n: rows.length }) }));
    const box = el('section', { class: 'list', id: 'list-' + list, dataset: { list, count: String(rows.length) } }, head);
    if (!rows.length) {
      box.append(el('p', { class: 'empty', text: t('empty') }));
      return box;
    }
    const cols = columns(list);
    const table = el('table', {},
      el('thead', {}, el('tr', {}, ...cols.map(([key, , cls]) => el('th', { class: cls, scope: 'col', text: t(key) })))),
      el('tbody', {}, ...rows.map((r) => el('tr', { dataset: { code: r.code } },
        ...cols.map(([key, cell, cls]) => el('td', { class: cls, dataset: { label: t(key) } }, cell(r)))))));
    box.append(el('div', { class: 'table-wrap' }, table));
    return box;
  }

  function render() {
    if (!radar) return;
    const at = radar.at;
    const site = siteName ? siteName + ' — ' : '';
    $('digest-meta').textContent = t('digest.meta', { site, time: hm(at), date: dmy(at) });
    $('lists').replaceChildren(...LISTS.map((l) => section(l, radar.rows.filter((r) => r.list === l))));
    if (letterRow) openLetter(letterRow);
  }

  // ---------------------------------------------------------------- the letter

  const dots = (cls) => el('span', { class: 'dots ' + (cls || '') });

  /**
   * The Mẫu 04 draft for one row, always in Vietnamese (the citizen's copy). The addressee
   * and the reason are left for the clerk's hand: the row carries only a masked name,
   * which is no name to write to.
   */
  function letter(row) {
    const office = siteName ? el('strong', { text: siteName.toUpperCase() }) : dots('short');
    const at = parts(radar.at);
    const p = (...c) => el('p', {}, ...c);
    return [
      el('div', { class: 'letter-head' },
        el('div', { class: 'issuer' }, office,
          el('div', { class: 'dept', text: 'BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ' }),
          el('div', { class: 'rule' }), el('div', {}, 'Số: ', dots('short'))),
        el('div', { class: 'nation' },
          el('strong', { text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' }),
          el('div', { class: 'motto', text: 'Độc lập - Tự do - Hạnh phúc' }),
          el('div', { class: 'rule' }),
          el('div', { class: 'place' }, dots('short'), ', ngày ' + at.d + ' tháng ' + at.mo + ' năm ' + at.y))),
      el('h2', { id: 'letter-title', class: 'letter-title', text: 'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ' }),
      el('p', { class: 'to' }, 'Kính gửi: ', dots()),
      p('Ngày ', dots('tiny'), ' tháng ', dots('tiny'), ' năm ', dots('tiny'),
        ', Bộ phận Tiếp nhận và Trả kết quả tiếp nhận giải quyết hồ sơ của Ông/Bà, mã hồ sơ: ',
        el('strong', { class: 'code', text: row.code }), '.'),
      p('Lĩnh vực: ', field(row) === t('none') ? dots() : row.field_vi || row.field, '.'),
      p('Thời hạn trả kết quả theo phiếu tiếp nhận: ', el('strong', { text: hm(row.due) + ' ngày ' + dmy(row.due) }), '.'),
      p('Tuy nhiên đến nay, hồ sơ của Ông/Bà chưa được giải quyết xong.'),
      p('Lý do: ', dots()),
      p(dots('line')),
      p('Sự chậm trễ này đã gây phiền hà cho Ông/Bà. Bộ phận Tiếp nhận và Trả kết quả thành thật xin lỗi Ông/Bà và hẹn lại ngày trả kết quả vào: ',
        el('strong', { id: 'letter-new-date', text: hm(row.proposed_new) + ' ngày ' + dmy(row.proposed_new) }), '.'),
      p('Rất mong nhận được sự thông cảm của Ông/Bà. Xin trân trọng cảm ơn./.'),
      el('div', { class: 'sign' },
        el('strong', { text: 'ĐẠI DIỆN CƠ QUAN, ĐƠN VỊ' }),
        el('em', { text: '(Ký, ghi rõ họ tên và đóng dấu)' })),
    ];
  }

  function openLetter(row) {
    letterRow = row;
    $('letter').replaceChildren(...letter(row));
    $('letter-box').hidden = false;
    // What is open is what prints: the letter alone, not the digest behind it.
    document.body.classList.add('letter-open');
  }

  function closeLetter() {
    letterRow = null;
    $('letter-box').hidden = true;
    document.body.classList.remove('letter-open');
  }

  // ---------------------------------------------------------------- loading

  function thresholds() {
    const hours = Number($('due-soon-hours').value);
    const days = Number($('uncollected-days').value);
    const ok = Number.isInteger(hours) && hours >= 1 && hours <= 80 && Number.isInteger(days) && days >= 1 && days <= 90;
    return ok ? new URLSearchParams({ due_soon_hours: hours, uncollected_days: days }).toString() : null;
  }

  function updateCsvLink() {
    const q = thresholds();
    if (q) $('csv').href = M.withSite('/api/v1/radar.csv?' + q);
  }

  const gate = M.leadPage({ content: $('radar'), title: 'read.title.radar', signedIn: load, refused: closeLetter });

  async function load() {
    const q = thresholds();
    if (!q) {
      $('status').textContent = t('bad.thresholds');
      return;
    }
    $('auth').hidden = true;
    $('status').textContent = t('loading');
    try {
      radar = await M.api('GET', '/api/v1/radar?' + q);
      siteName = (radar.site && radar.site.name) || '';
      $('status').textContent = '';
      $('radar').hidden = false;
      render();
    } catch (err) {
      $('status').textContent = '';
      $('radar').hidden = true;
      gate.failed(err);
    }
  }

  $('thresholds').addEventListener('submit', (ev) => {
    ev.preventDefault();
    load();
  });
  for (const id of ['due-soon-hours', 'uncollected-days']) {
    $(id).addEventListener('input', updateCsvLink);
    $(id).addEventListener('change', () => { if (thresholds()) load(); });
  }
  $('print-digest').addEventListener('click', () => {
    closeLetter();
    window.print();
  });
  $('letter-print').addEventListener('click', () => window.print());
  $('letter-close').addEventListener('click', closeLetter);

  M.langToggle($('btn-lang'));
  M.onLangChange(() => {
    document.title = t('page.title') + ' — ' + t('app.name');
    render();
  });

  M.applyI18n(document);
  document.title = t('page.title') + ' — ' + t('app.name');
  updateCsvLink();
  load();
})();
