#if canImport(Glibc)
import Glibc
#endif
import CCurl
import CMaxMindDB
import CYAML
import Testing

/// The shims link and their typed wrappers for C variadics work, exercised for real (no network).
@Suite("System libraries")
struct SystemLibraryTests {
    final class Sink {
        var bytes: [UInt8] = []
    }

    @Test func curlTransfersThroughTheTypedWrappers() throws {
        let path = "/tmp/switchyard-curl-shim-\(getpid()).txt"
        let content = "switchyard\n"
        let file = try #require(fopen(path, "w"))
        fputs(content, file)
        fclose(file)
        defer { unlink(path) }

        let handle = try #require(curl_easy_init())
        defer { curl_easy_cleanup(handle) }
        let sink = Sink()
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }
        #expect(ccurl_setopt_string(handle, CURLOPT_URL, "file://\(path)") == CURLE_OK)
        #expect(ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1) == CURLE_OK)
        #expect(ccurl_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, 1 << 20) == CURLE_OK)
        #expect(ccurl_setopt_ptr(handle, CURLOPT_WRITEDATA, context.toOpaque()) == CURLE_OK)
        #expect(ccurl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, user in
            let sink = Unmanaged<Sink>.fromOpaque(user!).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        } == CURLE_OK)
        #expect(curl_easy_perform(handle) == CURLE_OK)
        #expect(String(decoding: sink.bytes, as: UTF8.self) == content)
        var downloaded: curl_off_t = 0
        #expect(ccurl_getinfo_off_t(handle, CURLINFO_SIZE_DOWNLOAD_T, &downloaded) == CURLE_OK)
        #expect(downloaded == curl_off_t(content.utf8.count))

        let multi = try #require(curl_multi_init())
        defer { curl_multi_cleanup(multi) }
        #expect(ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 16) == CURLM_OK)
    }

    @Test func yamlReportsLineAndColumn() throws {
        var parser = yaml_parser_t()
        #expect(yaml_parser_initialize(&parser) == 1)
        defer { yaml_parser_delete(&parser) }
        let text = Array("zone:\n  ttl: 60\n".utf8)
        text.withUnsafeBufferPointer { yaml_parser_set_input_string(&parser, $0.baseAddress, $0.count) }
        var marks: [(String, Int, Int)] = []
        var event = yaml_event_t()
        while yaml_parser_parse(&parser, &event) == 1 {
            defer { yaml_event_delete(&event) }
            if event.type == YAML_SCALAR_EVENT {
                let scalar = event.data.scalar
                let value = String(cString: scalar.value)
                marks.append((value, Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1))
            }
            if event.type == YAML_STREAM_END_EVENT { break }
        }
        #expect(marks.map(\.0) == ["zone", "ttl", "60"])
        #expect(marks.map(\.1) == [1, 2, 2])
        #expect(marks.map(\.2) == [1, 3, 8])
    }

    @Test func maxMindDBOpensAndRejects() {
        #expect(!String(cString: MMDB_lib_version()).isEmpty)
        var database = MMDB_s()
        let status = MMDB_open("/nonexistent/GeoLite2-Country.mmdb", UInt32(MMDB_MODE_MMAP), &database)
        #expect(status == MMDB_FILE_OPEN_ERROR)
        #expect(String(cString: MMDB_strerror(status)).lowercased().contains("open"))
    }
}
