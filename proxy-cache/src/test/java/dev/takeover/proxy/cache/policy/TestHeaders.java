package dev.takeover.proxy.cache.policy;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;

/** Builds headers for table rows. */
final class TestHeaders {

    private TestHeaders() {
    }

    /**
     * Headers from alternating names and values; a name may repeat to add several field lines.
     *
     * @param namesAndValues {@code name1, value1, name2, value2, ...}
     */
    static HttpHeaders of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must alternate");
        }
        HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }
}
