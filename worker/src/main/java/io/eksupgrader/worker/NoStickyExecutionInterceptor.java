package io.eksupgrader.worker;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.MethodDescriptor;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;

/**
 * Asks Temporal never to keep a workflow on this worker's sticky queue, by dropping the sticky
 * attributes from each completed workflow task. Temporal's in-memory test server (demo, dev)
 * never times a sticky queue out, so without this a killed worker's workflows would wait for it
 * forever; the real server moves them after the sticky schedule-to-start timeout, so production
 * keeps sticky execution on.
 */
final class NoStickyExecutionInterceptor implements ClientInterceptor {

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, callOptions)) {
      @Override
      @SuppressWarnings("unchecked")
      public void sendMessage(ReqT message) {
        if (message instanceof RespondWorkflowTaskCompletedRequest completed && completed.hasStickyAttributes()) {
          message = (ReqT) completed.toBuilder().clearStickyAttributes().build();
        }
        super.sendMessage(message);
      }
    };
  }
}
