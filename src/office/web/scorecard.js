/* motcua: the lead's monthly scorecard (docs/scorecard.md): every figure motcua can compute
   toward the national service index, grouped by the index's groups, each marked as an
   estimate with its definition; the official score and rank the lead types in; both drawn
   over the last 12 months by the office (served at /static/scorecard.js, after motcua.js). */
'use strict';
(function () {
  const M = window.Motcua;
  const { t, el } = M;

  M.addStrings({
    vi: {
      'page.title': 'Bảng điểm tháng',
      'nav.reports': 'Báo cáo',
      'read.title.scorecard': 'Đăng nhập để xem bảng điểm tháng',
      'heading': 'Bảng điểm phục vụ người dân',
      'meta.complete': '{site}Tháng {month} (đã hết tháng)',
      'meta.running': '{site}Tháng {month}, số liệu đến {time} ngày {date}',
      'month': 'Tháng',
      'show': 'Xem',
      'csv': 'Tải CSV',
      'loading': 'Đang tải…',
      'bad.month': 'Chọn một tháng.',
      'auth.lead': 'Chỉ cán bộ phụ trách (tài khoản trưởng bộ phận) mới xem được bảng điểm. Tài khoản này không có quyền đó.',
      'note.estimate': 'Mọi tỷ lệ dưới đây là ước tính từ số liệu của motcua, để theo dõi và hành động sớm. Điểm chính thức do Cổng Dịch vụ công quốc gia tính theo Quyết định 766/QĐ-TTg.',
      'group.points': '{n} điểm',
      'group.none': 'motcua chưa có số liệu cho nhóm này.',
      'estimate': 'ước tính',
      'no_data': 'Không có dữ liệu',
      'count': '{part} trên {whole}',
      'count.none': 'Tháng này không có gì để tính.',
      'official.title': 'Điểm và xếp hạng chính thức',
      'official.score': 'Điểm (0–100)',
      'official.rank': 'Xếp hạng',
      'official.rank_of': 'Trên tổng số đơn vị',
      'official.save': 'Lưu điểm chính thức',
      'official.none': 'Chưa nhập điểm chính thức cho tháng này.',
      'official.now': 'Đã nhập: {score} điểm{rank} (bởi {by}).',
      'official.rank_text': ', xếp hạng {rank}/{of}',
      'official.saved': 'Đã lưu.',
      'official.bad_score': 'Điểm phải là số từ 0 đến 100, tối đa hai chữ số thập phân.',
      'official.bad_rank': 'Nhập cả xếp hạng và tổng số đơn vị (xếp hạng từ 1 đến tổng số), hoặc bỏ trống cả hai.',
      'official.future': 'Tháng chưa đến thì chưa có điểm chính thức.',
      'charts': 'Theo thời gian (12 tháng)',
    },
    en: {
      'page.title': 'Monthly scorecard',
      'nav.reports': 'Reports',
      'read.title.scorecard': 'Sign in to see the monthly scorecard',
      'heading': 'Service scorecard',
      'meta.complete': '{site}{month} (month ended)',
      'meta.running': '{site}{month}, figures up to {time} on {date}',
      'month': 'Month',
      'show': 'Show',
      'csv': 'Download CSV',
      'loading': 'Loading…',
      'bad.month': 'Choose a month.',
      'auth.lead': 'Only a lead clerk can see the scorecard. This account cannot.',
      'note.estimate': 'Every share below is an estimate from motcua\u2019s own records, to watch and act early. The official score is computed by the national public-service portal under Decision 766/QĐ-TTg.',
      'group.points': '{n} points',
      'group.none': 'motcua has no figure for this group yet.',
      'estimate': 'estimate',
      'no_data': 'No data',
      'count': '{part} of {whole}',
      'count.none': 'Nothing to count this month.',
      'official.title': 'Official score and rank',
      'official.score': 'Score (0–100)',
      'official.rank': 'Rank',
      'official.rank_of': 'Out of',
      'official.save': 'Save the official score',
      'official.none': 'No official score entered for this month.',
      'official.now': 'Entered: {score} points{rank} (by {by}).',
      'official.rank_text': ', rank {rank} of {of}',
      'official.saved': 'Saved.',
      'official.bad_score': 'The score must be a number from 0 to 100 with at most two decimals.',
      'official.bad_rank': 'Give both the rank and the number ranked (rank 1 to that number), or neither.',
      'official.future': 'A month still to come has no official score.',
      'charts': 'Over time (12 months)',
    },
  });

  const $ = (id) => document.getElementById(id);
  let card = null;   // the last answer, drawn again on a language switch

  /** "YYYY-MM" of today in the browser (the office checks again). */
  function thisMonth() {
    const d = new Date();
    return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0');
  }
  const monthText = (m) => { const [y, mo] = m.split('-'); return mo + '/' + y; };
  function number(v, digits) {
    const s = v.toFixed(digits).replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1');
    return M.lang() === 'vi' ? s.replace('.', ',') : s;
  }
  const percent = (share) => number(share * 100, 1) + ' %';

  function figureBox(f) {
    const en = M.lang() === 'en';
    const value = f.share === null
      ? el('p', { class: 'value no-data', text: t('no_data') })
      : el('p', { class: 'value', text: percent(f.share) });
    return el('article', { class: 'figure', id: 'figure-' + f.key, dataset: { key: f.key, share: f.share === null ? '' : String(f.share) } },
      el('h3', {}, en ? f.name_en : f.name_vi, el('span', { class: 'tag', text: t('estimate') })),
      value,
      el('p', { class: 'count', text: f.whole ? t('count', { part: f.part, whole: f.whole }) : t('count.none') }),
      el('p', { class: 'definition', text: en ? f.definition_en : f.definition_vi }));
  }

  function render() {
    if (!card) return;
    const site = card.site && card.site.name ? card.site.name + ' — ' : '';
    const at = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(card.as_of) || [];
    $('meta').textContent = card.complete
      ? t('meta.complete', { site, month: monthText(card.month) })
      : t('meta.running', { site, month: monthText(card.month), time: at[4] + ':' + at[5], date: at[3] + '/' + at[2] + '/' + at[1] });
    const en = M.lang() === 'en';
    $('groups').replaceChildren(...card.groups.map((g) => {
      const figs = card.figures.filter((f) => f.group === g.group);
      return el('section', { class: 'group', id: 'group-' + g.group },
        el('h2', {}, en ? g.name_en : g.name_vi, ' ', el('span', { class: 'points', text: '(' + t('group.points', { n: g.points }) + ')' })),
        figs.length
          ? el('div', { class: 'figures' }, ...figs.map(figureBox))
          : el('p', { class: 'none-here', text: t('group.none') }));
    }));
    const o = card.official;
    $('official-now').textContent = o
      ? t('official.now', {
        score: number(o.score, 2),
        rank: o.rank ? t('official.rank_text', { rank: o.rank, of: o.rank_of }) : '',
        by: o.entered_by || '—',
      })
      : t('official.none');
  }

  function fillOfficial() {
    const o = card && card.official;
    $('score').value = o ? String(o.score) : '';
    $('rank').value = o && o.rank ? String(o.rank) : '';
    $('rank-of').value = o && o.rank_of ? String(o.rank_of) : '';
    $('official-msg').textContent = '';
  }

  /** The charts of the 12 months up to `month`. */
  const drawCharts = (month) => M.drawCharts('/api/v1/scorecard/chart/', { to: month, months: 12 });

  // ---------------------------------------------------------------- loading

  const gate = M.leadPage({ content: $('card'), title: 'read.title.scorecard', signedIn: load });

  async function load() {
    const month = $('month').value;
    if (!/^\d{4}-\d{2}$/.test(month)) {
      $('status').textContent = t('bad.month');
      return;
    }
    $('csv').href = M.withSite('/api/v1/scorecard.csv?month=' + month);
    $('auth').hidden = true;
    $('status').textContent = t('loading');
    try {
      card = await M.api('GET', '/api/v1/scorecard?month=' + month);
      $('status').textContent = '';
      $('card').hidden = false;
      render();
      fillOfficial();
      drawCharts(month);
    } catch (err) {
      $('status').textContent = '';
      $('card').hidden = true;
      gate.failed(err);
    }
  }

  /** The typed official result, or the reason it cannot be sent. */
  function officialBody() {
    const text = $('score').value.trim().replace(',', '.');
    const score = Number(text);
    if (!text || !Number.isFinite(score) || score < 0 || score > 100 || !/^\d+(\.\d{1,2})?$/.test(text)) {
      return { error: t('official.bad_score'), focus: 'score' };
    }
    const [r, of] = [$('rank').value.trim(), $('rank-of').value.trim()];
    const body = { month: card.month, score };
    if (r || of) {
      const [rank, rankOf] = [Number(r), Number(of)];
      if (!Number.isInteger(rank) || !Number.isInteger(rankOf) || rank < 1 || rank > rankOf) {
        return { error: t('official.bad_rank'), focus: r ? 'rank-of' : 'rank' };
      }
      Object.assign(body, { rank, rank_of: rankOf });
    }
    if (card.month > thisMonth()) return { error: t('official.future'), focus: 'month' };
    return { body };
  }

  $('official').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const msg = $('official-msg');
    const typed = officialBody();
    msg.className = typed.error ? 'error' : '';
    if (typed.error) {
      msg.textContent = typed.error;
      $(typed.focus).focus();
      return;
    }
    try {
      const saved = await M.api('PUT', '/api/v1/scorecard/official', typed.body);
      card.official = saved.official;
      render();
      msg.textContent = t('official.saved');
      drawCharts(card.month);
    } catch (err) {
      if (err.status === 401) { gate.signIn(); return; }
      msg.className = 'error';
      msg.textContent = M.errorText(err);
    }
  });

  $('pick').addEventListener('submit', (ev) => {
    ev.preventDefault();
    load();
  });
  $('month').addEventListener('change', () => { if ($('month').value) load(); });

  M.langToggle($('btn-lang'));
  M.onLangChange(() => {
    document.title = t('page.title') + ' — ' + t('app.name');
    render();
    if (card) drawCharts(card.month);
  });

  M.applyI18n(document);
  document.title = t('page.title') + ' — ' + t('app.name');
  $('month').value = new URLSearchParams(location.search).get('month') || thisMonth();
  load();
})();
