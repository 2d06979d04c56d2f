/**
 * The largest summary message a member publishes, with room to spare: a
 * fairness window's summary holds every user of the window and the
 * bootstrap tallies of every group (about 1 MB for 500 users a member and
 * a 12-hour day; it grows with the users a member sees in a window).
 * Kafka's default limit is 1 MB, and a member whose summary is refused stops
 * publishing. 64 MiB.
 */
export const MAX_SUMMARY_BYTES = 64 * 1024 * 1024;

/**
 * The topic-level configuration the summaries topic needs, for kafkajs's
 * `admin.createTopics` (or `kafka-topics.sh --config`): messages up to
 * {@link MAX_SUMMARY_BYTES}.
 *
 * @example
 * ```ts
 * await admin.createTopics({ topics: [{ topic: 'movielog.summaries', numPartitions: 1, configEntries: summariesTopicConfig }] });
 * ```
 */
export const summariesTopicConfig: readonly { readonly name: string; readonly value: string }[] = [{ name: 'max.message.bytes', value: String(MAX_SUMMARY_BYTES) }];
