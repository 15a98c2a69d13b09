/**
 * @tender/plugin-top-up: mobile phone top-up (docs/top-up.md).
 */
export { plugin, createTopUpPlugin, TopUpPluginOptions, TOP_UP_DELIVERY } from './top-up.plugin';
export { TopUpProvider, TopUpRequest, TopUpOutcome } from './provider/top-up-provider';
export { SandboxTopUpProvider, SANDBOX_NUMBERS } from './provider/sandbox-top-up-provider';
export { TopUpDelivery } from './top-ups/top-up-delivery';
export { NumberingPlan, NumberRange, NumberingPlanSource } from './numbering/numbering-plan';
export { parseRussianMobile, maskPhone, PhoneNumber } from './phone/phone-number';
export { feeFor, TopUpSettings, OperatorSettings, topUpSettingsSchema } from './settings/top-up-settings';
export { TopUpOptions } from './options';
import { plugin as topUpPlugin } from './top-up.plugin';
export default topUpPlugin;
export { NumberVelocityRule } from './risk/number-velocity.rule';
export { CardDailyLimitRule } from './risk/card-daily-limit.rule';
/** The codes of the plugin's risk rules, for rule sets (`rules.<code>`). */
export const NumberVelocityRuleCode = 'top_up_number_velocity';
export const CardDailyLimitRuleCode = 'top_up_card_daily_limit';
