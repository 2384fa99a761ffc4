/* motcua: the index page: links to the other pages (served at /static/index.js, after motcua.js). */
'use strict';
(function () {
  const M = window.Motcua;
  M.addStrings({
    vi: {
      'title': 'Một cửa — Máy chủ văn phòng',
      'intro': 'Các trang của bộ phận tiếp nhận và trả kết quả. Mở trên máy tính, màn hình hoặc máy tính bảng trong mạng nội bộ.',
      'counter.title': 'Quầy (cán bộ)',
      'counter.desc': 'Đăng nhập, gọi số, phục vụ, chuyển và tạm dừng quầy.',
      'board.title': 'Màn hình gọi số',
      'board.desc': 'Cho TV ở sảnh: số đang phục vụ ở từng quầy, lượt gọi gần đây, thông báo và giọng đọc.',
      'rate.title': 'Đánh giá hài lòng',
      'rate.desc': 'Cho máy tính bảng cạnh quầy: công dân đánh giá lượt phục vụ vừa xong.',
      'rate.counter': 'Số quầy',
      'rate.open': 'Mở',
      'reports.title': 'Báo cáo',
      'reports.desc': 'Số liệu theo kỳ: thời gian chờ, phục vụ, mức độ hài lòng, hồ sơ đúng hạn; tải CSV (cán bộ phụ trách).',
      'rules.title': 'Quy định đặt lịch',
      'rules.desc': 'Hàng nào nhận đặt lịch, ngày giờ, số người mỗi khung giờ, thứ tự gọi (cán bộ phụ trách).',
      'radar.title': 'Hồ sơ cần chú ý',
      'alerts.title': 'Cảnh báo',
      'alerts.desc': 'Chờ lâu, đông người chờ, quầy tạm dừng hoặc không gọi số; đánh giá không hài lòng cần xác nhận và liên hệ lại (cán bộ phụ trách).',
      'radar.desc': 'Hồ sơ quá hạn, sắp đến hạn, chưa đến nhận; bản tin sáng để in và thư xin lỗi (cán bộ phụ trách).',
      'scorecard.title': 'Bảng điểm tháng',
      'scorecard.desc': 'Các tỷ lệ ước tính theo Bộ chỉ số phục vụ người dân, điểm và xếp hạng chính thức theo tháng (cán bộ phụ trách).',
      'province.title': 'Tổng hợp toàn tỉnh',
      'province.desc': 'Một dòng cho mỗi xã, xếp hạng theo từng chỉ số, kèm biểu đồ; tải CSV (lãnh đạo xã, lãnh đạo tỉnh).',
    },
    en: {
      'title': 'One-stop shop — office server',
      'intro': 'The pages of the reception and results desk. Open them on a PC, a screen or a tablet on the office network.',
      'counter.title': 'Counter (clerks)',
      'counter.desc': 'Sign in, call tickets, serve, transfer and pause the counter.',
      'board.title': 'Lobby display',
      'board.desc': 'For the lobby TV: the ticket served at each counter, recent calls, the notice and the voice.',
      'rate.title': 'Satisfaction rating',
      'rate.desc': 'For the tablet beside a counter: the citizen rates the service just finished.',
      'rate.counter': 'Counter number',
      'rate.open': 'Open',
      'reports.title': 'Reports',
      'reports.desc': 'Figures for a period: waiting and service times, satisfaction, on-time dossiers; CSV download (lead clerks).',
      'rules.title': 'Booking rules',
      'rules.desc': 'Which queues take bookings, days and times, people per slot, calling order (lead clerks).',
      'radar.title': 'Dossiers to watch',
      'alerts.title': 'Alerts',
      'alerts.desc': 'Long waits, many waiting, counters paused or calling no one; unsatisfied ratings to acknowledge and follow up (lead clerks).',
      'radar.desc': 'Overdue, due soon and uncollected dossiers; the morning digest to print and apology letters (lead clerks).',
      'scorecard.title': 'Monthly scorecard',
      'scorecard.desc': 'Estimated figures toward the national service index, and the official score and rank by month (lead clerks).',
      'province.title': 'Province roll-up',
      'province.desc': 'One row per commune, ranked on any figure, with charts; CSV download (commune and province leads).',
    },
  });
  const $ = (id) => document.getElementById(id);
  const setTitle = () => { document.title = M.t('title'); };
  $('rate-counter').addEventListener('input', () => {
    const n = Number($('rate-counter').value);
    if (Number.isInteger(n) && n >= 1 && n <= 99) $('rate-link').href = M.pagePath('/rate/' + n);
  });
  $('rate-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const n = Number($('rate-counter').value);
    if (Number.isInteger(n) && n >= 1 && n <= 99) location.href = M.pagePath('/rate/' + n);
  });
  M.langToggle($('btn-lang'));
  M.onLangChange(setTitle);
  M.applyI18n(document);
  setTitle();
})();
