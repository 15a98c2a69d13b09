import assert from 'node:assert/strict';
import { zoneOffset } from '@tender/core';
import {
  Cadence,
  addMonths,
  dateIn,
  formatCalendarDate,
  parseCalendarDate,
  periodDate,
  startOfDay,
} from '@tender/plugin-saved-cards/dist/schedules/schedule-calendar';

const d = (text: string) => {
  const date = parseCalendarDate(text);
  assert.ok(date !== undefined, text);
  return date;
};
const dates = (cadence: Cadence, n: number) => Array.from({ length: n }, (_, i) => formatCalendarDate(periodDate(cadence, i)));

describe('schedule calendar: period dates', () => {
  it('parses only real days', () => {
    assert.deepEqual(parseCalendarDate('2028-02-29'), { year: 2028, month: 2, day: 29 });
    for (const bad of ['2027-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '26-01-01', '2026-1-1', '2026-01-01T00:00:00Z', '', '1969-12-31']) {
      assert.equal(parseCalendarDate(bad), undefined, bad);
    }
  });

  it('days and weeks, with interval_count', () => {
    assert.deepEqual(dates({ interval: 'day', intervalCount: 1, anchor: d('2026-12-30') }, 4), ['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    assert.deepEqual(dates({ interval: 'day', intervalCount: 10, anchor: d('2028-02-20') }, 3), ['2028-02-20', '2028-03-01', '2028-03-11']);
    assert.deepEqual(dates({ interval: 'week', intervalCount: 2, anchor: d('2026-12-25') }, 3), ['2026-12-25', '2027-01-08', '2027-01-22']);
  });

  it('months clamp to the month end and come back to the anchor day (Jan 31 -> Feb 28/29 -> Mar 31)', () => {
    assert.deepEqual(dates({ interval: 'month', intervalCount: 1, anchor: d('2027-01-31') }, 5), [
      '2027-01-31',
      '2027-02-28',
      '2027-03-31',
      '2027-04-30',
      '2027-05-31',
    ]);
    assert.deepEqual(dates({ interval: 'month', intervalCount: 1, anchor: d('2028-01-31') }, 3), ['2028-01-31', '2028-02-29', '2028-03-31']);
    assert.deepEqual(dates({ interval: 'month', intervalCount: 3, anchor: d('2026-11-30') }, 4), ['2026-11-30', '2027-02-28', '2027-05-30', '2027-08-30']);
    assert.deepEqual(dates({ interval: 'month', intervalCount: 1, anchor: d('2026-12-15') }, 3), ['2026-12-15', '2027-01-15', '2027-02-15']);
    assert.deepEqual(addMonths(d('2026-03-31'), -1), { year: 2026, month: 2, day: 28 });
  });

  it('years keep Feb 29 where it exists', () => {
    assert.deepEqual(dates({ interval: 'year', intervalCount: 1, anchor: d('2028-02-29') }, 5), [
      '2028-02-29',
      '2029-02-28',
      '2030-02-28',
      '2031-02-28',
      '2032-02-29',
    ]);
  });

  it("13 monthly periods from the 31st land on each month's last day or the 31st", () => {
    const all = dates({ interval: 'month', intervalCount: 1, anchor: d('2026-12-31') }, 13);
    assert.deepEqual(all, [
      '2026-12-31',
      '2027-01-31',
      '2027-02-28',
      '2027-03-31',
      '2027-04-30',
      '2027-05-31',
      '2027-06-30',
      '2027-07-31',
      '2027-08-31',
      '2027-09-30',
      '2027-10-31',
      '2027-11-30',
      '2027-12-31',
    ]);
  });
});

describe('schedule calendar: days in a time zone', () => {
  it('a day starts at local midnight of the zone', () => {
    assert.equal(startOfDay(d('2027-01-01'), 'UTC'), Date.UTC(2027, 0, 1));
    assert.equal(startOfDay(d('2027-01-01'), 'Europe/Moscow'), Date.UTC(2026, 11, 31, 21));
    assert.equal(startOfDay(d('2027-01-01'), 'Asia/Kamchatka'), Date.UTC(2026, 11, 31, 12));
    assert.equal(zoneOffset(Date.UTC(2027, 6, 1), 'Europe/Berlin'), 2 * 3_600_000);
  });

  it('across daylight saving changes the charge stays at local midnight', () => {
    // Berlin: CET (+1) in March before the 28th, CEST (+2) after.
    assert.equal(startOfDay(d('2027-03-28'), 'Europe/Berlin'), Date.UTC(2027, 2, 27, 23));
    assert.equal(startOfDay(d('2027-03-29'), 'Europe/Berlin'), Date.UTC(2027, 2, 28, 22));
    assert.equal(startOfDay(d('2027-10-31'), 'Europe/London'), Date.UTC(2027, 9, 30, 23));
    assert.equal(startOfDay(d('2027-11-01'), 'Europe/London'), Date.UTC(2027, 10, 1, 0));
  });

  it('where a clock change skips midnight, the day starts at the first instant it has', () => {
    // America/Santiago moves from 00:00 to 01:00 in early September (2027-09-05).
    const start = startOfDay(d('2027-09-05'), 'America/Santiago');
    assert.deepEqual(dateIn(start, 'America/Santiago'), d('2027-09-05'));
    assert.deepEqual(dateIn(start - 1000, 'America/Santiago'), d('2027-09-04'));
  });

  it("dateIn is the date on the zone's wall clock", () => {
    assert.deepEqual(dateIn(Date.UTC(2026, 11, 31, 21, 30), 'Europe/Moscow'), d('2027-01-01'));
    assert.deepEqual(dateIn(Date.UTC(2026, 11, 31, 21, 30), 'UTC'), d('2026-12-31'));
  });
});
