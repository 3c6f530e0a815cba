/// A value from the input, quoted and cut short, for an error message.
package func shown(_ text: String) -> String {
    var result = "\""
    for (count, scalar) in text.unicodeScalars.enumerated() {
        if count == 64 {
            result += "…"
            break
        }
        if scalar.value < 0x20 || scalar == "\"" || scalar == "\\" || scalar.value == 0x7F {
            result += scalar.escaped(asASCII: true)
        } else {
            result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
