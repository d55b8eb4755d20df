package io.inferscale.api.validation;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SuggestionsTest {

    @Test
    @DisplayName("a typo is never turned into a destructive word: 'describe' suggests nothing among delete/apply, 'delet' nothing")
    void neverDestructive() {
        List<String> commands = List.of("apply", "delete", "get", "plan", "render", "status", "validate");
        assertThat(Suggestions.closest("describe", commands)).isEmpty();
        assertThat(Suggestions.closest("delet", commands)).isEmpty();
        assertThat(Suggestions.didYouMean("remve", List.of("remove", "render"))).isEmpty();
        assertThat(Suggestions.closest("aply", commands)).contains("apply");
        assertThat(Suggestions.isDestructive("Delete")).isTrue();
        assertThat(Suggestions.isDestructive("delete-all")).isTrue();
        assertThat(Suggestions.isDestructive("deletion-policy")).isFalse();
    }
}
