/** Outgoing mail: composing a signed letter's message, the durable outbox, and the transports. */
export { queueLetter, type QueueContext, type QueueOutcome, type QueueOptions } from './queue-letter';
export { sendLetter } from './send-letter';
export { openSentMessage } from './open-sent-message';
export { OutboxWorker, type OutboxWorkerOptions } from './outbox-worker';
export { deliverLetter, type DeliveryContext, type DeliveryResult } from './deliver-letter';
export { createMailTransport } from './create-transport';
export { registerOutboxGauge } from './outbox-gauge';
export { CaptureTransport } from './capture-transport';
export { SmtpTransport, type SmtpOptions } from './smtp-transport';
export type { MailTransport, DeliveryReceipt, Envelope } from './mail-transport';
export { letterMessage, letterFileName, letterMessageId, type LetterToSend, type MessageSpec, type StoredPart } from './letter-message';
export { composeMessage } from './compose-message';
export { classifyFailure, type DeliveryFailure } from './delivery-failure';
export { retryDelayMs } from './backoff';
