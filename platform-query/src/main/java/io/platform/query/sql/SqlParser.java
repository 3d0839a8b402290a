package io.platform.query.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses the SQL subset:
 * <pre>
 * SELECT item [, item]* FROM table [[AS] alias] [[INNER | LEFT [OUTER]] JOIN table [[AS] alias] ON column = column [AND ...]]
 *   [WHERE cond [AND cond]*] [GROUP BY expr [, expr]*] [ORDER BY expr [ASC|DESC] [, ...]] [LIMIT n]
 * item := * | expr [[AS] alias]       expr := column | number | 'string' | fn(args) | count(*)
 * column := name | alias.name
 * cond := column (= | != | <> | < | <= | > | >=) literal | column BETWEEN literal AND literal
 * </pre>
 * Functions: count, sum, min, max, avg, time_bucket(width, column) with width like {@code '10s'} or milliseconds.
 * Stateless; thread-safe.
 */
public final class SqlParser {
    private static final Set<String> RESERVED = Set.of("select", "from", "where", "group", "by", "order", "limit", "and",
            "as", "asc", "desc", "between", "join", "inner", "left", "outer", "on");
    /** Join kinds that are not built: refused where a join may start, rather than read as a table alias. */
    private static final Set<String> UNSUPPORTED_JOINS = Set.of("right", "full", "cross", "natural");

    private final List<Token> tokens;
    private int next;

    private SqlParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    public static SelectStatement parse(String sql) throws SqlException {
        return new SqlParser(tokenize(sql)).select();
    }

    private record Token(Kind kind, String text, Object value, int position) {
        boolean isKeyword(String keyword) {
            return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
        }
    }

    private enum Kind { WORD, QUOTED_WORD, NUMBER, STRING, SYMBOL, END }

    private SelectStatement select() throws SqlException {
        expectKeyword("select");
        List<SelectStatement.SelectItem> items = new ArrayList<>();
        do {
            items.add(selectItem());
        } while (acceptSymbol(","));
        expectKeyword("from");
        Token table = peek();
        String tableName = identifier("table name");
        String tableAlias = tableAlias(tableName);
        SelectStatement.Join join = join();
        List<SelectStatement.Condition> where = new ArrayList<>();
        if (acceptKeyword("where")) {
            do {
                condition(where);
            } while (acceptKeyword("and"));
        }
        List<Expr> groupBy = new ArrayList<>();
        if (acceptKeyword("group")) {
            expectKeyword("by");
            do {
                groupBy.add(expr());
            } while (acceptSymbol(","));
        }
        List<SelectStatement.OrderItem> orderBy = new ArrayList<>();
        if (acceptKeyword("order")) {
            expectKeyword("by");
            do {
                Expr e = expr();
                boolean desc = acceptKeyword("desc");
                if (!desc) {
                    acceptKeyword("asc");
                }
                orderBy.add(new SelectStatement.OrderItem(e, desc));
            } while (acceptSymbol(","));
        }
        long limit = Long.MAX_VALUE;
        if (acceptKeyword("limit")) {
            Token n = peek();
            if (n.kind != Kind.NUMBER || !(n.value instanceof Long l) || l < 0) {
                throw new SqlException("LIMIT needs a non-negative whole number", n.position);
            }
            next++;
            limit = l;
        }
        acceptSymbol(";");
        Token end = peek();
        if (end.kind != Kind.END) {
            throw new SqlException("unexpected '" + end.text + "' after the end of the query", end.position);
        }
        return new SelectStatement(items, tableName, table.position, tableAlias, join, where, groupBy, orderBy, limit);
    }

    /** {@code [AS] alias} after a table name, else the table's own name. */
    private String tableAlias(String tableName) throws SqlException {
        if (acceptKeyword("as")) {
            return identifier("table alias");
        }
        Token t = peek();
        if (t.kind == Kind.QUOTED_WORD || (isName(t) && !UNSUPPORTED_JOINS.contains(t.text.toLowerCase(Locale.ROOT)))) {
            next++;
            return t.text;
        }
        return tableName;
    }

    private SelectStatement.Join join() throws SqlException {
        Token start = peek();
        if (start.kind == Kind.WORD && UNSUPPORTED_JOINS.contains(start.text.toLowerCase(Locale.ROOT))) {
            throw new SqlException(start.text.toUpperCase(Locale.ROOT) + " JOIN is not supported: use JOIN (inner) or LEFT JOIN"
                    + (start.isKeyword("right") ? ", with the tables swapped" : ""), start.position);
        }
        boolean leftOuter = acceptKeyword("left");
        if (leftOuter) {
            acceptKeyword("outer");
        } else {
            acceptKeyword("inner");
        }
        if (!acceptKeyword("join")) {
            if (start != peek()) { // LEFT, INNER or LEFT OUTER must be followed by JOIN
                expectKeyword("join");
            }
            return null;
        }
        Token table = peek();
        String name = identifier("table name after JOIN");
        String alias = tableAlias(name);
        expectKeyword("on");
        List<SelectStatement.KeyPair> on = new ArrayList<>();
        do {
            Token at = peek();
            Expr first = expr();
            expectSymbol("=");
            Expr second = expr();
            if (!(first instanceof Expr.Column a) || !(second instanceof Expr.Column b)) {
                throw new SqlException("JOIN ... ON supports equality of columns only, e.g. r.device = d.device", at.position);
            }
            on.add(new SelectStatement.KeyPair(a, b));
        } while (acceptKeyword("and"));
        Token after = peek();
        if (after.isKeyword("join") || after.isKeyword("left") || after.isKeyword("inner")) {
            throw new SqlException("one JOIN per query is supported", after.position);
        }
        return new SelectStatement.Join(leftOuter, name, table.position, alias, on);
    }

    private SelectStatement.SelectItem selectItem() throws SqlException {
        Token t = peek();
        if (t.kind == Kind.SYMBOL && t.text.equals("*")) {
            next++;
            return new SelectStatement.SelectItem(new Expr.Star(t.position), null);
        }
        Expr e = expr();
        String alias = null;
        if (acceptKeyword("as")) {
            alias = identifier("alias");
        } else if (isName(peek())) {
            alias = identifier("alias");
        }
        return new SelectStatement.SelectItem(e, alias);
    }

    private void condition(List<SelectStatement.Condition> out) throws SqlException {
        Token at = peek();
        Expr e = expr();
        if (!(e instanceof Expr.Column column)) {
            throw new SqlException("WHERE supports column comparisons only, e.g. device = 'd1' or ts >= 1700000000000", at.position);
        }
        if (acceptKeyword("between")) {
            Object low = literal();
            expectKeyword("and");
            Object high = literal();
            out.add(new SelectStatement.Condition(column, ">=", low, at.position));
            out.add(new SelectStatement.Condition(column, "<=", high, at.position));
            return;
        }
        Token op = peek();
        if (op.kind != Kind.SYMBOL || !Set.of("=", "!=", "<>", "<", "<=", ">", ">=").contains(op.text)) {
            throw new SqlException("expected a comparison (=, !=, <, <=, >, >=, BETWEEN) after " + column.name(), op.position);
        }
        next++;
        out.add(new SelectStatement.Condition(column, op.text.equals("<>") ? "!=" : op.text, literal(), at.position));
    }

    private Object literal() throws SqlException {
        Token t = peek();
        if (t.kind == Kind.NUMBER || t.kind == Kind.STRING) {
            next++;
            return t.value;
        }
        if (t.kind == Kind.SYMBOL && t.text.equals("-") && tokens.get(next + 1).kind == Kind.NUMBER) {
            next += 2;
            Object v = tokens.get(next - 1).value;
            return v instanceof Long l ? -l : -(Double) v;
        }
        throw new SqlException("expected a number or a 'string', got '" + t.text + "'", t.position);
    }

    private Expr expr() throws SqlException {
        Token t = peek();
        switch (t.kind) {
            case NUMBER, STRING -> {
                next++;
                return new Expr.Literal(t.value, t.position);
            }
            case WORD, QUOTED_WORD -> {
                if (t.kind == Kind.WORD && RESERVED.contains(t.text.toLowerCase(Locale.ROOT))) {
                    throw new SqlException("expected an expression, got keyword " + t.text.toUpperCase(Locale.ROOT), t.position);
                }
                next++;
                if (t.kind == Kind.WORD && acceptSymbol("(")) {
                    List<Expr> args = new ArrayList<>();
                    if (peek().kind == Kind.SYMBOL && peek().text.equals("*")) {
                        args.add(new Expr.Star(peek().position));
                        next++;
                    } else if (!(peek().kind == Kind.SYMBOL && peek().text.equals(")"))) {
                        do {
                            args.add(expr());
                        } while (acceptSymbol(","));
                    }
                    expectSymbol(")");
                    return new Expr.Call(t.text, args, t.position);
                }
                if (acceptSymbol(".")) {
                    return new Expr.Column(t.text + "." + identifier("column name after '" + t.text + ".'"), t.position);
                }
                return new Expr.Column(t.text, t.position);
            }
            default -> throw new SqlException(t.kind == Kind.END ? "query ends where an expression was expected"
                    : "expected an expression, got '" + t.text + "'", t.position);
        }
    }

    /** A quoted word, or a word that is not a keyword: what may name a table, a column or an alias. */
    private static boolean isName(Token t) {
        return t.kind == Kind.QUOTED_WORD || (t.kind == Kind.WORD && !RESERVED.contains(t.text.toLowerCase(Locale.ROOT)));
    }

    private String identifier(String what) throws SqlException {
        Token t = peek();
        if (isName(t)) {
            next++;
            return t.text;
        }
        throw new SqlException("expected " + what + ", got "
                + (t.kind == Kind.END ? "the end of the query" : "'" + t.text + "'"), t.position);
    }

    private Token peek() {
        return tokens.get(next);
    }

    private boolean acceptKeyword(String keyword) {
        if (peek().isKeyword(keyword)) {
            next++;
            return true;
        }
        return false;
    }

    private void expectKeyword(String keyword) throws SqlException {
        if (!acceptKeyword(keyword)) {
            Token t = peek();
            throw new SqlException("expected " + keyword.toUpperCase(Locale.ROOT) + ", got "
                    + (t.kind == Kind.END ? "the end of the query" : "'" + t.text + "'"), t.position);
        }
    }

    private boolean acceptSymbol(String symbol) {
        if (peek().kind == Kind.SYMBOL && peek().text.equals(symbol)) {
            next++;
            return true;
        }
        return false;
    }

    private void expectSymbol(String symbol) throws SqlException {
        if (!acceptSymbol(symbol)) {
            Token t = peek();
            throw new SqlException("expected '" + symbol + "', got "
                    + (t.kind == Kind.END ? "the end of the query" : "'" + t.text + "'"), t.position);
        }
    }

    private static List<Token> tokenize(String sql) throws SqlException {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            int position = i + 1;
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
                    i++;
                }
                tokens.add(new Token(Kind.WORD, sql.substring(start, i), null, position));
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))) {
                int start = i;
                boolean decimal = false;
                while (i < n
                        && (Character.isDigit(sql.charAt(i)) || sql.charAt(i) == '.' || sql.charAt(i) == 'e' || sql.charAt(i) == 'E')) {
                    decimal |= !Character.isDigit(sql.charAt(i));
                    i++;
                }
                String text = sql.substring(start, i);
                try {
                    tokens.add(new Token(Kind.NUMBER, text, decimal ? (Object) Double.parseDouble(text)
                            : (Object) Long.parseLong(text), position));
                } catch (NumberFormatException e) {
                    throw new SqlException("malformed number '" + text + "'", position);
                }
            } else if (c == '\'' || c == '"') {
                StringBuilder text = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw new SqlException("unterminated " + (c == '\'' ? "string" : "quoted identifier") + " starting here", position);
                    }
                    char d = sql.charAt(i);
                    if (d == c) {
                        if (i + 1 < n && sql.charAt(i + 1) == c) {
                            text.append(c);
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    text.append(d);
                    i++;
                }
                tokens.add(c == '\'' ? new Token(Kind.STRING, text.toString(), text.toString(), position)
                        : new Token(Kind.QUOTED_WORD, text.toString(), null, position));
            } else {
                String two = i + 1 < n ? sql.substring(i, i + 2) : "";
                if (two.equals("<=") || two.equals(">=") || two.equals("!=") || two.equals("<>")) {
                    tokens.add(new Token(Kind.SYMBOL, two, null, position));
                    i += 2;
                } else if ("(),*=<>;-.".indexOf(c) >= 0) {
                    tokens.add(new Token(Kind.SYMBOL, String.valueOf(c), null, position));
                    i++;
                } else {
                    throw new SqlException("unexpected character '" + c + "'", position);
                }
            }
        }
        tokens.add(new Token(Kind.END, "", null, n + 1));
        return tokens;
    }
}
