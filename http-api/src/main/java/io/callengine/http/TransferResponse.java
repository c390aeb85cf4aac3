package io.callengine.http;

import io.callengine.core.call.CallView;

/** The 202 of a transfer: the call, where it goes ({@code queue:<id>}, {@code agent:<id>} or the address) and its state now. */
record TransferResponse(String callId, String target, String state) {
  static TransferResponse of(CallView call, TransferRequest request) {
    return new TransferResponse(call.callId(), request.target().label(), call.status().name());
  }
}
