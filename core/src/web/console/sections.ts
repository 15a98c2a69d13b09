import { WebSection } from '../web-contract';

/** The operator console's screens, mounted under /console by the web shell. */
export const CONSOLE_SECTIONS: readonly WebSection[] = [];
