package io.eksupgrader.sandbox.kube;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCauseBuilder;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.List;

/**
 * The {@code metav1.Status} bodies the API server answers, with the codes, reasons and messages of
 * the real one (k8s.io/apimachinery/pkg/api/errors), so that clients branch on them as they would
 * against EKS.
 */
final class ApiStatus {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private ApiStatus() {}

  static Status success(int code) {
    return new StatusBuilder().withStatus("Success").withCode(code).build();
  }

  static Status failure(int code, String reason, String message) {
    return new StatusBuilder()
        .withStatus("Failure")
        .withCode(code)
        .withReason(reason)
        .withMessage(message)
        .build();
  }

  static Status unauthorized() {
    return failure(401, "Unauthorized", "Unauthorized");
  }

  static Status unavailable() {
    return failure(
        503, "ServiceUnavailable", "the server is currently unable to handle the request");
  }

  static Status notFound(String qualifiedResource, String name) {
    Status status = failure(404, "NotFound", qualifiedResource + " \"" + name + "\" not found");
    status.setDetails(
        new StatusDetailsBuilder()
            .withName(name)
            .withKind(
                qualifiedResource.contains(".")
                    ? qualifiedResource.substring(0, qualifiedResource.indexOf('.'))
                    : qualifiedResource)
            .build());
    return status;
  }

  static Status badRequest(String message) {
    return failure(400, "BadRequest", message);
  }

  static Status conflict(String message) {
    return failure(409, "Conflict", message);
  }

  /**
   * errors.NewInvalid with one field error: {@code Kind.group "name" is invalid: field: detail}.
   */
  static Status invalid(String kind, String group, String name, String field, String detail) {
    Status status =
        failure(
            422,
            "Invalid",
            kind + "." + group + " \"" + name + "\" is invalid: " + field + ": " + detail);
    status.setDetails(
        new StatusDetailsBuilder()
            .withName(name)
            .withGroup(group)
            .withKind(kind)
            .withCauses(
                new StatusCauseBuilder()
                    .withReason("FieldValueInvalid")
                    .withField(field)
                    .withMessage(detail)
                    .build())
            .build());
    return status;
  }

  static Status forbidden(String message) {
    return failure(403, "Forbidden", message);
  }

  /** errors.NewInternalError: the message is prefixed, the cause carries the bare text. */
  static Status internalError(String cause) {
    Status status = failure(500, "InternalError", "Internal error occurred: " + cause);
    status.setDetails(
        new StatusDetailsBuilder()
            .withCauses(new StatusCauseBuilder().withMessage(cause).build())
            .build());
    return status;
  }

  /** errors.NewTooManyRequests with one cause of the given type (StatusCause.reason in JSON). */
  static Status tooManyRequests(String message, String causeType, String causeMessage) {
    Status status = failure(429, "TooManyRequests", message);
    status.setDetails(
        new StatusDetailsBuilder()
            .withCauses(
                List.of(
                    new StatusCauseBuilder()
                        .withReason(causeType)
                        .withMessage(causeMessage)
                        .build()))
            .build());
    return status;
  }

  static MockResponse response(Status status) {
    return json(status.getCode(), JSON.asJson(status));
  }

  static MockResponse json(int code, String body) {
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(body);
  }

  /** The reason of a Status body, or null when the body is not one. */
  static String reasonOf(String body) {
    if (body == null || body.isBlank() || !body.contains("\"Status\"")) {
      return null;
    }
    try {
      Status status = JSON.unmarshal(body, Status.class);
      return status.getReason();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
