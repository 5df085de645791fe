/**
 * The referral chain: a case, its work materials and its letters in one unit, signed and queued
 * in the same call when a `system` key (or a signer) asks. Composes cases, letters and mail.
 */
export { submitReferral, checkReferralAllowed, type ReferralOptions, type SubmittedReferral } from './submit-referral';
