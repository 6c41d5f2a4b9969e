// Produces N messages with KafkaJS to a topic it creates, then prints the topic's offsets as JSON.
// usage: node produce.js BROKER TOPIC N
const { Kafka, logLevel, CompressionTypes } = require('kafkajs');

async function main() {
  const [broker, topic, countArg] = process.argv.slice(2);
  const count = parseInt(countArg, 10);
  const kafka = new Kafka({ clientId: 'weir-kafkajs-test', brokers: [broker], logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const messages = [];
  for (let i = 0; i < count; i++) {
    messages.push({ key: `k${i}`, value: `kafkajs-${i}`, partition: i % 2, headers: { n: `${i}` } });
  }
  await producer.send({ topic, messages: messages.slice(0, count / 2), acks: -1 });
  await producer.send({ topic, messages: messages.slice(count / 2), acks: -1, compression: CompressionTypes.GZIP });
  const offsets = await admin.fetchTopicOffsets(topic);
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  console.log(JSON.stringify({ offsets, partitions: metadata.topics[0].partitions.length }));
  await producer.disconnect();
  await admin.disconnect();
}

main().catch((e) => { console.error(e); process.exit(1); });
