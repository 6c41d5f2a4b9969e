// Consumes N messages with a KafkaJS consumer group from the beginning of a topic and prints them
// as a JSON array of "partition:offset:value" strings.
// usage: node consume.js BROKER TOPIC GROUP N
const { Kafka, logLevel } = require('kafkajs');

async function main() {
  const [broker, topic, groupId, countArg] = process.argv.slice(2);
  const count = parseInt(countArg, 10);
  const kafka = new Kafka({ clientId: 'weir-kafkajs-consumer', brokers: [broker], logLevel: logLevel.ERROR });
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const seen = [];
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen.length} of ${count} messages in 60 s`)), 60000);
    consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push(`${partition}:${message.offset}:${message.value.toString()}`);
        if (seen.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  console.log(JSON.stringify(seen));
}

main().catch((e) => { console.error(e); process.exit(1); });
