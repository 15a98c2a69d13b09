import { AssistError } from '../assist-error';
import { AssistFields } from '../assist-request';

/** The most orders one answer holds; a longer listing is read page by page. */
export const ASSIST_PAGE_LIMIT = 1000;

export interface AssistPaging {
  readonly page: number;
  readonly size: number;
}

/** `Page` (1-based, default 1) and `PageSize` (1..1000, default 1000) of the listings. */
export function parsePaging(f: AssistFields): AssistPaging {
  const number = (name: string, value: string | undefined, fallback: number, max: number): number => {
    if (value === undefined) return fallback;
    if (!/^\d{1,7}$/.test(value) || Number(value) < 1 || Number(value) > max)
      throw new AssistError('parameter_invalid', `${name} must be a whole number from 1 to ${max}.`);
    return Number(value);
  };
  return { page: number('Page', f.page, 1, 1_000_000), size: number('PageSize', f.pagesize, ASSIST_PAGE_LIMIT, ASSIST_PAGE_LIMIT) };
}

/**
 * Where a page is in its listing: `page`, `pages` (at least 1), `total` (orders in the
 * whole listing), written beside `count` (orders in this answer).
 *
 * @example
 * ```ts
 * pagingHead({ page: 2, size: 10 }, 25); // { page: 2, pages: 3, total: 25 }
 * ```
 */
export function pagingHead(paging: AssistPaging, total: number): Record<string, number> {
  return { page: paging.page, pages: Math.max(1, Math.ceil(total / paging.size)), total };
}
