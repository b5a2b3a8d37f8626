// The CSV reader, table encoding and table profile. The first byte picks the
// options: delimiter (sniffed or one of , ; tab |), header mode and how
// categories and missing values are encoded; the rest is the file.
// DataError is the refusal; anything else that escapes is a finding.
#include "data/csvreader.h"
#include "data/dataprofile.h"
#include "data/tableencoder.h"

#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t choice = data[0];
    lepton::CsvOptions options;
    options.delimiter = "\0,;\t|"[choice % 5];
    options.header = static_cast<lepton::CsvOptions::Header>((choice / 5) % 3);
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
        const lepton::Table table = lepton::parseCsv(text, options, "fuzz.csv");
        lepton::profileTable(table, table.columns.empty() ? std::string() : table.columns.back().name);
        lepton::TableEncoding encoding;
        encoding.categorical = (choice & 0x20) ? lepton::TableEncoding::Categorical::Index
                                               : lepton::TableEncoding::Categorical::OneHot;
        encoding.missing = static_cast<lepton::TableEncoding::Missing>((choice >> 6) & 3);
        lepton::encodeTable(table, encoding);
    } catch (const lepton::DataError&) {
    }
    return 0;
}
