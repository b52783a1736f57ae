package dev.takeover.origin;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestTargetTest {

    @ParameterizedTest
    @CsvSource({
            "/a/b?c=d,                      /a/b?c=d,     /a/b",
            "/,                             /,            /",
            "/synthetic/1k,                 /synthetic/1k, /synthetic/1k",
            "http://host:8080/x/y?z,        /x/y?z,       /x/y",
            "HTTPS://host/x,                /x,           /x",
            "http://host,                   /,            /",
            "http://host?q,                 /?q,          /"})
    void reducesToOriginForm(String uri, String originForm, String rawPath) {
        RequestTarget target = RequestTarget.parse(uri);

        assertThat(target.originForm()).isEqualTo(originForm);
        assertThat(target.rawPath()).isEqualTo(rawPath);
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "host:80", "", "ftp://host/x", "a/b"})
    void rejectsOtherForms(String uri) {
        assertThatThrownBy(() -> RequestTarget.parse(uri)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
            "/a%20b,            /a b",
            "/a+b,              /a+b",
            "/%2e%2E/x,         /../x",
            "/a%2Fb,            /a/b",
            "/caf%C3%A9.txt,    /café.txt",
            "/plain,            /plain"})
    void decodesPercentEscapesInThePath(String uri, String decoded) {
        assertThat(RequestTarget.parse(uri).decodedPath()).isEqualTo(decoded);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%", "/%2", "/%zz", "/a%g0", "/%C3", "/%FF"})
    void rejectsMalformedEscapes(String uri) {
        assertThatThrownBy(() -> RequestTarget.parse(uri).decodedPath()).isInstanceOf(IllegalArgumentException.class);
    }
}
