import { WebSection } from '../web-contract';

/** The merchant dashboard's screens, mounted under /dashboard by the web shell. */
export const DASHBOARD_SECTIONS: readonly WebSection[] = [];
