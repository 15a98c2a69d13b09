/** Injection token of the validated TenderConfig. */
export const CONFIG = Symbol('Config');

/** Injection token of the operator's bearer token (from config or generated in the data directory). */
export const ADMIN_TOKEN = Symbol('AdminToken');
