// Why a database could not be opened, said for the clerk (the message is Russian; `code` is for the caller).
export class DatabaseError extends Error {
  constructor(
    message: string,
    readonly code: 'newer-than-app' | 'wrong-key' | 'corrupt' | 'unreachable',
  ) {
    super(message);
  }
}
