/** The MongoDB store, apart from index.ts so that only its users load mongoose. */
export { MongoStore, openMongoStore, type MongoStoreOptions, type MongoWriteConcern } from './mongo-store.js';
