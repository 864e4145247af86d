package ventispark.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An option's default as the user reads it ({@code 64m}, {@code all sections}), next to the field
 * or setter whose initial value it describes: the help and the README's option tables show it
 * ({@link OptionDocs}). Flags without one are {@code off}, other options {@code none}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD})
@interface DefaultText {
  String value();
}
