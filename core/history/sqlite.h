#pragma once

#include <cstdint>
#include <optional>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace lepton {

// A thin owner of one SQLite connection. Every error throws
// std::runtime_error naming the database file and SQLite's message.
class SqliteDatabase {
public:
    explicit SqliteDatabase(const std::string& path); // opens or creates
    ~SqliteDatabase();
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;

    // Runs one or more statements that return nothing needed.
    void execute(const std::string& sql);
    void useWriteAheadLog(); // waits out other processes switching the same file
    int64_t lastInsertId() const;
    const std::string& path() const { return m_path; }
    sqlite3* handle() const { return m_db; }
    [[noreturn]] void fail(const std::string& what) const;

private:
    std::string m_path;
    sqlite3* m_db = nullptr;
};

// A prepared statement: bind 1-based parameters, step through rows, reset.
class SqliteStatement {
public:
    SqliteStatement(SqliteDatabase& db, const std::string& sql);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    SqliteStatement& bind(int index, int64_t value);
    SqliteStatement& bind(int index, double value); // non-finite values become NULL
    SqliteStatement& bind(int index, const std::string& value);
    SqliteStatement& bind(int index, std::optional<double> value);
    SqliteStatement& bindNull(int index);

    // The next row: true while there is one. Throws on errors.
    bool step();
    // Steps a statement that returns no rows, then resets it for the next use.
    void run();
    void reset(); // rewinds and clears the bindings

    bool isNull(int column) const; // 0-based columns
    int64_t integer(int column) const;
    double real(int column) const;
    std::optional<double> optionalReal(int column) const;
    std::string text(int column) const;

private:
    SqliteDatabase& m_db;
    sqlite3_stmt* m_statement = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when left by an exception.
class SqliteTransaction {
public:
    explicit SqliteTransaction(SqliteDatabase& db);
    ~SqliteTransaction();
    SqliteTransaction(const SqliteTransaction&) = delete;
    SqliteTransaction& operator=(const SqliteTransaction&) = delete;
    void commit();

private:
    SqliteDatabase& m_db;
    bool m_done = false;
};

} // namespace lepton
