import type { ParseError } from '../parse-error.js';
import type { KafkaOutgoingMessage } from './kafka-client.js';

/**
 * A Kafka record whose value could not be decoded: where it came from, its
 * key, and the decoder's {@link ParseError} (code, reason, position and the
 * raw value).
 *
 * @example
 * ```ts
 * const onPoison = (p: KafkaPoisonRecord) => console.warn(`${p.topic}/${p.partition}@${p.offset} ${p.error.code}: ${p.error.reason}`);
 * ```
 */
export interface KafkaPoisonRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly error: ParseError;
}

/**
 * Headers that {@link deadLetterMessage} sets on a dead-lettered record.
 *
 * @example
 * ```ts
 * const reason = message.headers?.[DEAD_LETTER_HEADERS.reason]?.toString();
 * ```
 */
export const DEAD_LETTER_HEADERS = {
  code: 'modelwatch-error-code',
  reason: 'modelwatch-error-reason',
  position: 'modelwatch-error-position',
  source: 'modelwatch-source',
} as const;

/**
 * The message a poison record becomes on a dead-letter topic: the original
 * key and value bytes untouched, and the reason in headers
 * ({@link DEAD_LETTER_HEADERS}; the source as `topic/partition/offset`).
 *
 * @example
 * ```ts
 * await producer.send({ topic: 'movielog.dead', messages: [deadLetterMessage(poison)] });
 * ```
 */
export function deadLetterMessage(poison: KafkaPoisonRecord): KafkaOutgoingMessage {
  const { raw, code, reason, position } = poison.error;
  return {
    key: poison.key,
    value: typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength),
    headers: {
      [DEAD_LETTER_HEADERS.code]: code,
      [DEAD_LETTER_HEADERS.reason]: reason,
      [DEAD_LETTER_HEADERS.position]: String(position),
      [DEAD_LETTER_HEADERS.source]: `${poison.topic}/${poison.partition}/${poison.offset}`,
    },
  };
}
