package io.callengine.http;

import java.time.Duration;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.ResponseEntity;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * Closes a connection whose client has not delivered a complete request head within
 * {@code callengine.http.request-head-timeout}, counted from the connection's opening and again
 * from the end of each response: a client sending its headers a line at a time (slowloris) is cut
 * off, and so is a keep-alive connection left idle that long. While a request is being answered,
 * a streamed response (the SSE feed) included, the clock is stopped, and a connection upgraded to
 * a WebSocket leaves it for good. {@link HttpApi} puts one around the routes of every connection.
 *
 * <p>Pekko HTTP has no such timeout: its {@code request-timeout} starts once the head is parsed and
 * its {@code idle-timeout} is reset by every byte, so a slow client defeats both; a lower
 * idle-timeout would also cut the event feeds between their keep-alives. The parser emits nothing
 * until a head is complete, so from here a head in progress and an idle connection look the same,
 * and the connection is closed without an answer (no request exists to answer with 408).
 */
final class HeadTimeout extends GraphStage<BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse>> {
  private static final String TIMER = "request-head";

  private final Inlet<HttpRequest> requestIn = Inlet.create("HeadTimeout.requestIn");
  private final Outlet<HttpRequest> requestOut = Outlet.create("HeadTimeout.requestOut");
  private final Inlet<HttpResponse> responseIn = Inlet.create("HeadTimeout.responseIn");
  private final Outlet<HttpResponse> responseOut = Outlet.create("HeadTimeout.responseOut");
  private final BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse> shape =
      BidiShape.of(requestIn, requestOut, responseIn, responseOut);
  private final Duration timeout;

  private HeadTimeout(Duration timeout) {
    this.timeout = timeout;
  }

  /** The handler with the timeout around it; each materialization (each connection) has its own clock. */
  static Flow<HttpRequest, HttpResponse, NotUsed> around(Flow<HttpRequest, HttpResponse, NotUsed> handler, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("the request head timeout must be positive");
    return BidiFlow.fromGraph(new HeadTimeout(timeout)).join(handler);
  }

  @Override
  public BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new TimerGraphStageLogic(shape) {
      /** Requests passed on whose responses have not been sent in full. */
      private int open;
      private boolean upgraded;
      private final AsyncCallback<NotUsed> sent = createAsyncCallback(done -> responseSent());

      @Override
      public void preStart() {
        scheduleOnce(TIMER, timeout);
      }

      @Override
      public void onTimer(Object key) {
        completeStage();
      }

      private void responseSent() {
        open--;
        if (open == 0 && !upgraded && !isClosed(requestIn)) scheduleOnce(TIMER, timeout);
      }

      private HttpResponse watched(HttpResponse response) {
        if (response.status().equals(StatusCodes.SWITCHING_PROTOCOLS)) upgraded = true;
        ResponseEntity entity = response.entity();
        if (entity.isStrict()) {
          responseSent();
          return response;
        }
        Source<ByteString, ?> data = entity.getDataBytes()
            .watchTermination((mat, done) -> done.whenComplete((d, e) -> sent.invoke(NotUsed.notUsed())));
        ResponseEntity again = entity instanceof HttpEntity.Default known
            ? HttpEntities.create(entity.getContentType(), known.getContentLength(), data)
            : entity.isCloseDelimited() ? HttpEntities.createCloseDelimited(entity.getContentType(), data)
            : HttpEntities.createChunked(entity.getContentType(), data);
        return response.withEntity(again);
      }

      {
        setHandler(requestIn, new AbstractInHandler() {
          @Override
          public void onPush() {
            cancelTimer(TIMER);
            open++;
            push(requestOut, grab(requestIn));
          }

          @Override
          public void onUpstreamFinish() {
            cancelTimer(TIMER);
            complete(requestOut);
          }
        });
        setHandler(requestOut, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(requestIn);
          }
        });
        setHandler(responseIn, new AbstractInHandler() {
          @Override
          public void onPush() {
            push(responseOut, watched(grab(responseIn)));
          }
        });
        setHandler(responseOut, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(responseIn);
          }
        });
      }
    };
  }
}
