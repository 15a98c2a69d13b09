// The dashboard home's two charts (uPlot, served from node_modules). Data comes from the
// page itself (#home-chart-data); amounts arrive in minor units and are scaled for display only.
(function () {
  'use strict';
  var source = document.getElementById('home-chart-data');
  if (!source || typeof window.uPlot !== 'function') return;
  var data = JSON.parse(source.textContent || '{}');
  var scale = Math.pow(10, data.exponent || 0);
  var lang = document.documentElement.lang || 'en';
  var number = new Intl.NumberFormat(lang, { maximumFractionDigits: data.exponent || 0 });
  var charts = [];
  var holder = document.querySelector('.charts');
  var dayLabel = (holder && holder.getAttribute('data-day-label')) || 'Day';
  var dayFormat = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', timeZone: 'UTC' });

  function widthOf(el) {
    return Math.max(200, Math.floor(el.getBoundingClientRect().width));
  }

  function make(id, values, color, format, range) {
    var el = document.getElementById(id);
    if (!el) return;
    var options = {
      width: widthOf(el),
      height: 220,
      legend: { show: true },
      // Days are UTC days on the server; draw them as such whatever the browser's zone.
      tzDate: function (ts) {
        return window.uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC');
      },
      scales: { x: { time: true }, y: range ? { range: range } : {} },
      axes: [
        {},
        {
          values: function (_u, ticks) {
            return ticks.map(format);
          },
          size: 60,
        },
      ],
      series: [
        {
          label: dayLabel,
          value: function (_u, v) {
            return v == null ? '—' : dayFormat.format(new Date(v * 1000));
          },
        },
        {
          label: el.getAttribute('data-label') || '',
          stroke: color,
          fill: color + '22',
          width: 2,
          spanGaps: false,
          value: function (_u, v) {
            return v == null ? '—' : format(v);
          },
        },
      ],
    };
    var chart = new window.uPlot(options, [data.days, values], el);
    el.setAttribute('data-rendered', 'true');
    charts.push({ chart: chart, el: el });
  }

  make(
    'chart-volume',
    (data.volume || []).map(function (v) {
      return v / scale;
    }),
    '#1f5eff',
    function (v) {
      return number.format(v);
    },
  );
  make(
    'chart-approval',
    (data.approvalBasisPoints || []).map(function (v) {
      return v == null ? null : v / 100;
    }),
    '#1b7f3b',
    function (v) {
      return v == null ? '—' : v.toFixed(0) + '%';
    },
    [0, 100],
  );

  var pending = 0;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      charts.forEach(function (c) {
        c.chart.setSize({ width: widthOf(c.el), height: 220 });
      });
    }, 100);
  });
})();
