// Domain errors carry a code and the field at fault; the server maps each code to one HTTP status.
export type DomainErrorCode =
  | 'validation_failed' // 400: malformed input
  | 'rule_violated' // 422: well-formed but refused by a clinical or device rule
  | 'not_found' // 404
  | 'conflict' // 409: uniqueness or state conflict
  | 'unauthenticated' // 401: no valid session or token
  | 'forbidden' // 403: the role does not hold the capability
  | 'password_change_required' // 403: an initial or reset password must be replaced first
  | 'csrf_token_invalid' // 403: a cookie-authenticated write without the session's anti-CSRF header
  | 'too_many_requests'; // 429: repeated sign-in failures

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly fields: { field: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }

  /** 400: the field is malformed (a value no request of ours could carry, e.g. a forged paging cursor). */
  static invalid(field: string, message: string): DomainError {
    return new DomainError('validation_failed', `${field} ${message}`, [{ field, message }]);
  }

  static rule(field: string, message: string): DomainError {
    return new DomainError('rule_violated', `${field} ${message}`, [{ field, message }]);
  }

  static notFound(field: string, message: string): DomainError {
    return new DomainError('not_found', `${field} ${message}`, [{ field, message }]);
  }

  static forbidden(message: string): DomainError {
    return new DomainError('forbidden', message);
  }

  static conflict(field: string, message: string): DomainError {
    return new DomainError('conflict', `${field} ${message}`, [{ field, message }]);
  }
}
