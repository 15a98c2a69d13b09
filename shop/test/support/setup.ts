/** The gateway suite's setup (reflect-metadata; prints which database this run uses). */
export { mochaHooks } from './gateway-support';
