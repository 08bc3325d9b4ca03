package dev.arbor.spring.app;

import dev.arbor.Supervisor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

import java.util.concurrent.CountDownLatch;

/**
 * A small application as a user would write it: two supervisor beans, {@code workers} a child of
 * {@code orders}, and nothing else from Arbor (the starter runs, reports and measures them).
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class OrdersApplication {
    /** Counted down when the consumer runs. */
    @Bean
    CountDownLatch consumerRunning() {
        return new CountDownLatch(1);
    }

    @Bean
    Supervisor workers(CountDownLatch consumerRunning) {
        Supervisor workers = Supervisor.builder("workers").build();
        workers.add("consumer", ctx -> {
            consumerRunning.countDown();
            ctx.awaitStop();
        });
        return workers;
    }

    @Bean
    Supervisor orders(Supervisor workers) {
        Supervisor orders = Supervisor.builder("orders").build();
        orders.add("workers", workers);
        return orders;
    }

    public static void main(String[] args) {
        SpringApplication.run(OrdersApplication.class, args);
    }
}
