// The rollguard API client: openapi-fetch over the types openapi-typescript generates from
// openapi/openapi.json (src/schema.d.ts). Only this file is written by hand.
import createClient, { type ClientOptions } from "openapi-fetch";

import type { components, operations, paths } from "./schema.js";

export type { components, operations, paths };

/** Every schema of the API by name, e.g. `Schemas["StoredVerdict"]`. */
export type Schemas = components["schemas"];
/** The body of every error response: `{"error": {"code", "message", "details"}}`. */
export type ErrorBody = Schemas["ErrorBody"];
export type Decision = Schemas["Decision"];
export type StoredVerdict = Schemas["StoredVerdict"];

/** A typed client for a rollguard server at `baseUrl`, e.g. `http://127.0.0.1:8080`. */
export function createRollguardClient(options: ClientOptions & { baseUrl: string }) {
  return createClient<paths>(options);
}

export type RollguardClient = ReturnType<typeof createRollguardClient>;
