import { describe, expect, it } from "vitest";
import {
  Redactor,
  builtinDetector,
  checkCustomRegex,
  compileCustomDetector,
  defaultDetectors,
  hasNestedQuantifier,
  ibanValid,
  luhnValid,
  redactText,
  scan,
  ssnValid,
  type BuiltinDetector,
} from "./pii";

const found = (name: BuiltinDetector, text: string) => builtinDetector(name).find(text).map((f) => f.value);
const only = (text: string) => scan(text, defaultDetectors()).map((f) => `${f.detector}:${f.value}`);

describe("validators", () => {
  it("Luhn", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111 1111 1111 1111")).toBe(true);
    expect(luhnValid("5500005555555559")).toBe(true);
    expect(luhnValid("378282246310005")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(luhnValid("1234567812345678")).toBe(false);
  });
  it("IBAN mod-97 and country length", () => {
    expect(ibanValid("GB82 WEST 1234 5698 7654 32")).toBe(true);
    expect(ibanValid("DE89370400440532013000")).toBe(true);
    expect(ibanValid("fr1420041010050500013m02606")).toBe(true);
    expect(ibanValid("GB82 WEST 1234 5698 7654 33")).toBe(false);
    expect(ibanValid("DE8937040044053201300")).toBe(false); // one digit short for DE
    expect(ibanValid("XX00")).toBe(false);
  });
  it("SSN ranges", () => {
    expect(ssnValid("123", "45", "6789")).toBe(true);
    expect(ssnValid("000", "12", "3456")).toBe(false);
    expect(ssnValid("666", "12", "3456")).toBe(false);
    expect(ssnValid("900", "12", "3456")).toBe(false);
    expect(ssnValid("123", "00", "4567")).toBe(false);
    expect(ssnValid("123", "45", "0000")).toBe(false);
    expect(ssnValid("078", "05", "1120")).toBe(false);
  });
});

describe("email", () => {
  it("finds addresses", () => {
    expect(found("email", "write to jane.doe+news@example.co.uk today")).toEqual(["jane.doe+news@example.co.uk"]);
    expect(found("email", "<ops@sub.example.com>")).toEqual(["ops@sub.example.com"]);
  });
  it("ignores look-alikes", () => {
    expect(found("email", "user@localhost")).toEqual([]);
    expect(found("email", "follow @portico on social")).toEqual([]);
    expect(found("email", "price: 5 @ $3.50")).toEqual([]);
    expect(found("email", "npm i @scope/pkg@1.2.3")).toEqual([]);
  });
});

describe("phone", () => {
  it("finds E.164 and national formats", () => {
    expect(found("phone", "call +14155550100 now")).toEqual(["+14155550100"]);
    expect(found("phone", "call +1 415 555 0100")).toEqual(["+1 415 555 0100"]);
    expect(found("phone", "+44 20 7946 0958")).toEqual(["+44 20 7946 0958"]);
    expect(found("phone", "office (415) 555-0100.")).toEqual(["(415) 555-0100"]);
    expect(found("phone", "cell 415-555-0100")).toEqual(["415-555-0100"]);
    expect(found("phone", "London 020 7946 0958")).toEqual(["020 7946 0958"]);
    expect(found("phone", "Paris 06 12 34 56 78")).toEqual(["06 12 34 56 78"]);
  });
  it("ignores dates, versions, plain numbers", () => {
    expect(found("phone", "on 2024-01-15 at 10:30")).toEqual([]);
    expect(found("phone", "version 1.2.3 and 10.0.19045")).toEqual([]);
    expect(found("phone", "order 1234567890")).toEqual([]);
    expect(found("phone", "pi is 3.14159265")).toEqual([]);
    expect(found("phone", "01-02-2024")).toEqual([]);
    expect(found("phone", "+1")).toEqual([]);
  });
});

describe("credit card", () => {
  it("finds Luhn-valid numbers in common groupings", () => {
    expect(found("credit_card", "card 4111 1111 1111 1111 exp 12/29")).toEqual(["4111 1111 1111 1111"]);
    expect(found("credit_card", "4111-1111-1111-1111")).toEqual(["4111-1111-1111-1111"]);
    expect(found("credit_card", "amex 378282246310005")).toEqual(["378282246310005"]);
  });
  it("does not redact numbers failing Luhn", () => {
    expect(found("credit_card", "card 4111 1111 1111 1112")).toEqual([]);
    expect(found("credit_card", "tracking 1234567812345678")).toEqual([]);
    expect(found("credit_card", "0000000000000000")).toEqual([]);
    expect(found("credit_card", "short 4111111")).toEqual([]);
  });
});

describe("IBAN", () => {
  it("finds valid IBANs", () => {
    expect(found("iban", "pay to GB82 WEST 1234 5698 7654 32 please")).toEqual(["GB82 WEST 1234 5698 7654 32"]);
    expect(found("iban", "DE89370400440532013000")).toEqual(["DE89370400440532013000"]);
  });
  it("ignores checksum failures and codes", () => {
    expect(found("iban", "GB82 WEST 1234 5698 7654 33")).toEqual([]);
    expect(found("iban", "SKU AB12CDEF34567890")).toEqual([]);
  });
});

describe("SSN", () => {
  it("finds formatted SSNs", () => {
    expect(found("ssn", "ssn 123-45-6789.")).toEqual(["123-45-6789"]);
    expect(found("ssn", "ssn 123 45 6789")).toEqual(["123 45 6789"]);
  });
  it("skips invalid ranges and other shapes", () => {
    expect(found("ssn", "000-12-3456 666-12-3456 912-34-5678 123-00-4567 123-45-0000")).toEqual([]);
    expect(found("ssn", "123456789")).toEqual([]);
    expect(found("ssn", "123-45-67890")).toEqual([]);
    expect(found("ssn", "123-45 6789")).toEqual([]);
  });
});

describe("IP addresses", () => {
  it("finds IPv4 and IPv6", () => {
    expect(found("ip_address", "from 192.168.1.20.")).toEqual(["192.168.1.20"]);
    expect(found("ip_address", "host 2001:db8::8a2e:370:7334 up")).toEqual(["2001:db8::8a2e:370:7334"]);
    expect(found("ip_address", "fe80::1ff:fe23:4567:890a")).toEqual(["fe80::1ff:fe23:4567:890a"]);
    expect(found("ip_address", "2001:0db8:85a3:0000:0000:8a2e:0370:7334")).toEqual(["2001:0db8:85a3:0000:0000:8a2e:0370:7334"]);
  });
  it("ignores versions, out-of-range octets, times and C++ scopes", () => {
    expect(found("ip_address", "v1.2.3.4.5")).toEqual([]);
    expect(found("ip_address", "999.1.1.1")).toEqual([]);
    expect(found("ip_address", "version 1.2.3")).toEqual([]);
    expect(found("ip_address", "at 12:30:45")).toEqual([]);
    expect(found("ip_address", "std::vector<int> and a::b")).toEqual([]);
  });
});

describe("secrets", () => {
  it("finds vendor tokens", () => {
    const cases = [
      "sk-proj-abcdefghijklmnopqrstuvwx1234",
      "sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345",
      "AKIAIOSFODNN7EXAMPLE",
      "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
      "xoxb-1234567890-abcdefghij",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
      "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    ];
    for (const c of cases) expect(found("secret", `token: ${c} end`)).toEqual([c]);
  });
  it("finds generic prefixed high-entropy tokens", () => {
    expect(found("secret", "key pk_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1 here")).toEqual(["pk_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1"]);
  });
  it("ignores identifiers and short or low-entropy strings", () => {
    expect(found("secret", "call snake_case_function_name_that_is_long()")).toEqual([]);
    expect(found("secret", "sk-short")).toEqual([]);
    expect(found("secret", "request_id_000000000000000000000000000")).toEqual([]);
    expect(found("secret", "AKIA is the AWS prefix")).toEqual([]);
    expect(found("secret", "eyJhbGciOi alone")).toEqual([]);
    expect(found("secret", "uuid 123e4567-e89b-12d3-a456-426614174000")).toEqual([]);
  });
});

describe("scan and overlap", () => {
  it("prefers the higher-priority detector", () => {
    expect(only("card 4111 1111 1111 1111 and mail a@b.io")).toEqual(["credit_card:4111 1111 1111 1111", "email:a@b.io"]);
    expect(only("GB82 WEST 1234 5698 7654 32")).toEqual(["iban:GB82 WEST 1234 5698 7654 32"]);
  });
  it("leaves ordinary prose alone", () => {
    expect(only("The meeting is on 2024-05-01 at 10:30 in room 4. Version 2.1.0 shipped; 3 of 4 tests passed.")).toEqual([]);
  });
});

describe("Redactor", () => {
  it("uses typed placeholders, stable per value across calls", () => {
    const r = new Redactor(defaultDetectors());
    expect(r.redact("mail jane@example.com or bob@example.com, again jane@example.com")).toBe("mail [EMAIL_1] or [EMAIL_2], again [EMAIL_1]");
    expect(r.redact("cc jane@example.com, phone +14155550100")).toBe("cc [EMAIL_1], phone [PHONE_1]");
    expect(r.counts.get("email")).toBe(4);
  });
  it("redactText for logs", () => {
    expect(redactText("Invalid input near 'ssn 123-45-6789' from 10.0.0.7")).toBe("Invalid input near 'ssn [SSN_1]' from [IP_ADDRESS_1]");
  });
});

describe("custom detectors", () => {
  it("regex detector with its own label", () => {
    const d = compileCustomDetector({ name: "employee_id", kind: "regex", pattern: "EMP-\\d{6}" })!;
    const r = new Redactor([...defaultDetectors(), d]);
    expect(r.redact("badge emp-123456 ok")).toBe("badge [EMPLOYEE_ID_1] ok");
  });
  it("terms detector matches whole words, case-insensitive by default", () => {
    const d = compileCustomDetector({ name: "codenames", kind: "terms", terms: ["Project Falcon", "zeus"] })!;
    expect(d.blockOnly).toBe(true);
    expect(d.find("about project falcon and ZEUS").map((f) => f.value)).toEqual(["project falcon", "ZEUS"]);
    expect(d.find("zeuser and falcons")).toEqual([]);
  });
  it("validates regexes on save", () => {
    expect(checkCustomRegex("EMP-\\d{6}")).toBeNull();
    expect(checkCustomRegex("(unclosed")).toMatch(/does not compile/);
    expect(checkCustomRegex("(a+)+$")).toMatch(/nests quantifiers/);
    expect(checkCustomRegex("(\\w*)*x")).toMatch(/nests quantifiers/);
    expect(checkCustomRegex("(a|aa)+b")).toMatch(/nests quantifiers/);
    expect(checkCustomRegex("x*")).toMatch(/empty string/);
    expect(checkCustomRegex("a".repeat(501))).toMatch(/under 500/);
    expect(checkCustomRegex("(a)\\1")).toMatch(/Back-references/);
  });
  it("nested-quantifier heuristic keeps ordinary groups", () => {
    expect(hasNestedQuantifier("(?:ab)+c")).toBe(false);
    expect(hasNestedQuantifier("(\\d{3})-(\\d{4})")).toBe(false);
    expect(hasNestedQuantifier("[(a+)+]")).toBe(false);
    expect(hasNestedQuantifier("(x+y?){2,}")).toBe(true);
  });
});
