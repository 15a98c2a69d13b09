import { Knex } from 'knex';

/**
 * The one-business-day connection promise (issue 18): when each step of onboarding
 * was reached, so the operator's queue can show time in stage.
 *
 * - `merchants.bank_chosen_at`: the latest bank choice (a change of bank restarts it,
 *   because the new bank starts its review then). `registered_at` and `live_at`
 *   already exist (006); `contract_signed_at` is new.
 * - `merchants.locale` and `merchants.time_zone`: the language the owner chose at
 *   sign-up (en, ru, ar; changeable in the dashboard) and the IANA zone its dates are
 *   shown in (test mode's end). Null where nobody chose: existing merchants and
 *   applications over the API, which the operator's default language and zone serve.
 *
 * Earlier merchants already past a stage get the best time known: bank_chosen_at
 * from registered_at, contract_signed_at from live_at; both stay null otherwise.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('merchants', (t) => {
    t.bigInteger('bank_chosen_at');
    t.bigInteger('contract_signed_at');
    // Null until the owner chooses (an application over the API chooses nothing): e-mails
    // then use the operator's defaults (TENDER_EMAIL_LOCALE, TENDER_TIME_ZONE).
    t.string('locale', 5).nullable();
    t.string('time_zone', 64).nullable();
  });
  await knex('merchants')
    .whereIn('stage', ['bank_chosen', 'contract_signed', 'live'])
    .whereNull('bank_chosen_at')
    .update({ bank_chosen_at: knex.ref('registered_at') });
  await knex('merchants')
    .where({ stage: 'live' })
    .whereNull('contract_signed_at')
    .update({ contract_signed_at: knex.ref('live_at') });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('merchants', (t) => {
    for (const c of ['bank_chosen_at', 'contract_signed_at', 'locale', 'time_zone']) t.dropColumn(c);
  });
}
