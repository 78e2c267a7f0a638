/** Base of every error ducklm raises on purpose; `name` follows the subclass. */
export class DucklmError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad configuration or bad input from the user. */
export class UserError extends DucklmError {}

/** The model backend could not be used at all: not configured, unreachable, still loading. */
export class ModelUnavailableError extends DucklmError {
  constructor(
    message: string,
    readonly baseUrl: string | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The model server answered, but with an HTTP error or a reply we cannot use. */
export class ModelRequestError extends DucklmError {
  constructor(
    message: string,
    readonly status: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The server has no model of the name asked for; `offered` lists those it has. */
export class ModelNotFoundError extends ModelRequestError {
  constructor(
    readonly model: string,
    readonly offered: string[],
    baseUrl: string,
    /** What the server said, kept: its words may tell more than ours. */
    serverWords: string,
    status: number | null,
    options?: { cause?: unknown },
  ) {
    const list = offered.length > 12 ? `${offered.slice(0, 12).join(', ')} and ${offered.length - 12} more` : offered.join(', ');
    super(`The model server at ${baseUrl} has no model "${model}" (it said: ${serverWords}). It offers: ${list}. Choose one in Settings, with \`ducklm models use <name>\`, or with DUCK_MODEL.`, status, options);
  }
}

/** A model reply that does not follow its role's contract (e.g. a directive that is not JSON). */
export class ModelBehaviorError extends DucklmError {
  constructor(
    message: string,
    readonly raw: string,
  ) {
    super(message);
  }
}

/** A tool failed; carries the tool name so the failure can become an observation. */
export class ToolError extends DucklmError {
  constructor(
    message: string,
    readonly tool: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The id names nothing we know. */
export class NotFoundError extends DucklmError {}

/** The thing exists but is not in a state that allows the request (double continue, undecided approval). */
export class ConflictError extends DucklmError {
  constructor(
    message: string,
    /** What a client can act on: `conflict`, or a narrower reason such as `conversation_busy`. */
    readonly code = 'conflict',
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** A task's process stopped under it (the server shut down or died): it can never finish. */
export class InterruptedError extends DucklmError {}
