import assert from 'node:assert/strict';
import { BusinessCalendar, businessDaysBetween, parseBusinessCalendar } from '@tender/core';

const HOUR = 3_600_000;
const utc = (y: number, m: number, d: number, h = 0): number => Date.UTC(y, m - 1, d, h);

describe("business days of the operator's calendar", () => {
  const calendar: BusinessCalendar = { weekend: [0, 6], holidays: ['2027-01-01', '2027-01-07'], timeZone: 'UTC' };

  it('counts working days only, in fractions', () => {
    // Monday 10:00 to Tuesday 10:00: one business day.
    assert.equal(businessDaysBetween(utc(2026, 12, 7, 10), utc(2026, 12, 8, 10), calendar), 1);
    // Monday 10:00 to 16:00: a quarter.
    assert.equal(businessDaysBetween(utc(2026, 12, 7, 10), utc(2026, 12, 7, 16), calendar), 0.25);
    assert.equal(businessDaysBetween(utc(2026, 12, 8), utc(2026, 12, 7), calendar), 0, 'backwards is nothing');
  });

  it('skips a weekend: Friday noon to Monday noon is one business day', () => {
    assert.equal(businessDaysBetween(utc(2026, 12, 4, 12), utc(2026, 12, 7, 12), calendar), 1);
    // All of it on the weekend: nothing.
    assert.equal(businessDaysBetween(utc(2026, 12, 5, 1), utc(2026, 12, 6, 23), calendar), 0);
  });

  it('skips a holiday: Thursday 31 December noon to Monday 4 January noon is one business day', () => {
    // 31 Dec afternoon (0.5) + 1 Jan holiday + weekend + 4 Jan morning (0.5).
    assert.equal(businessDaysBetween(utc(2026, 12, 31, 12), utc(2027, 1, 4, 12), calendar), 1);
    // A holiday on a weekday mid-week: Wednesday 6 to Friday 8 January, the 7th off.
    assert.equal(businessDaysBetween(utc(2027, 1, 6), utc(2027, 1, 8), calendar), 1);
  });

  it("starts and ends days in the calendar's zone", () => {
    const moscow: BusinessCalendar = { weekend: [0, 6], holidays: [], timeZone: 'Europe/Moscow' };
    // Friday 23:00 Moscow (20:00 UTC) to Monday 00:00 Moscow: one hour of Friday.
    assert.equal(businessDaysBetween(utc(2026, 12, 4, 20), utc(2026, 12, 6, 21), moscow), 1 / 24);
    // The same instants in UTC: Friday 20:00-24:00 is four hours.
    assert.equal(businessDaysBetween(utc(2026, 12, 4, 20), utc(2026, 12, 6, 21), calendar), 4 / 24);
    // A holiday is a date in the zone: 1 January in Moscow starts at 21:00 UTC on 31 December.
    const newYear: BusinessCalendar = { ...moscow, holidays: ['2027-01-01'] };
    assert.equal(businessDaysBetween(utc(2026, 12, 31, 20), utc(2026, 12, 31, 22), newYear), HOUR / 86_400_000);
  });

  it('reads its settings and refuses wrong ones', () => {
    assert.deepEqual(parseBusinessCalendar('sat,sun', '2027-01-01, 2027-01-07', 'Europe/Moscow'), {
      weekend: [0, 6],
      holidays: ['2027-01-01', '2027-01-07'],
      timeZone: 'Europe/Moscow',
    });
    assert.deepEqual(parseBusinessCalendar('5, 6', '', 'Asia/Dubai'), { weekend: [5, 6], holidays: [], timeZone: 'Asia/Dubai' });
    assert.match((parseBusinessCalendar('caturday', '', 'UTC') as { error: string }).error, /TENDER_BUSINESS_WEEKEND/);
    assert.match((parseBusinessCalendar('sun', '2027-02-30', 'UTC') as { error: string }).error, /TENDER_BUSINESS_HOLIDAYS/);
    assert.match((parseBusinessCalendar('sun', '', 'Mars/Olympus') as { error: string }).error, /TENDER_BUSINESS_TIME_ZONE/);
    assert.match((parseBusinessCalendar('0,1,2,3,4,5,6', '', 'UTC') as { error: string }).error, /working day/);
  });
});
